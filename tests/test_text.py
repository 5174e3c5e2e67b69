"""Reading texts for the writer: encodings (Korean included) and bad files."""
import re

import pytest

from artlab import ArtlabError, text

# A short Korean poem, typed here (Kim Sowol's "Azaleas", public domain), repeated to length.
KOREAN_POEM = """나 보기가 역겨워
가실 때에는
말없이 고이 보내 드리우리다

영변에 약산
진달래꽃
아름 따다 가실 길에 뿌리우리다
"""


def test_utf8_korean_is_read_and_said(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text(KOREAN_POEM * 30, encoding="utf-8")
    poem, remarks = text.read(path)
    assert poem.startswith("나 보기가") and remarks == ["Read poem.txt as UTF-8."]


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_cp949_and_euc_kr_files_are_read_as_korean(encoding):
    poem, remarks = text.decode((KOREAN_POEM * 30).encode(encoding), "시.txt")
    assert poem == KOREAN_POEM * 30
    assert remarks == ["Read 시.txt as Korean CP949 / EUC-KR (not UTF-8)."]


def test_windows_line_ends_become_newlines():
    poem, _ = text.decode(("To be, or not to be\r\n" * 100).encode(), "x.txt")
    assert "\r" not in poem and poem.count("\n") == 100


@pytest.mark.parametrize("data, says", [
    (b"", "is empty"), (b"   \n\n", "is empty"),
    (b"%PDF-1.4\x00\x01\x02" * 200, "binary"),
    (bytes(range(1, 32)) * 100, "control characters"),
    ("café au lait, s'il vous plaît. ".encode("latin-1") * 100, "not UTF-8 or Korean"),
    (b"Too short.", "at least 1,000"),
])
def test_bad_texts_get_one_sentence(data, says):
    with pytest.raises(ArtlabError, match=says):
        text.decode(data, "upload.txt")


def test_huge_text_is_capped_and_said(monkeypatch):
    monkeypatch.setattr(text, "MAX_CHARACTERS", 5000)
    long_text, remarks = text.decode(b"All the world's a stage. " * 1000, "big.txt")
    assert len(long_text) == 5000 and "first 5,000 characters" in remarks[-1]


def test_missing_file_is_a_sentence(tmp_path):
    with pytest.raises(ArtlabError, match="no file"):
        text.read(tmp_path / "nothing.txt")


def test_an_upload_pair_is_read():
    poem, _ = text.read(("mine.txt", ("Shall I compare thee " * 80).encode()))
    assert poem.startswith("Shall I")


def test_the_offline_shakespeare_corpus_is_clean_and_whole():
    import hashlib
    import json
    from artlab import env
    corpus = text.shakespeare()
    summary = json.loads((env.assets_dir() / "text" / "shakespeare_v1.json").read_text())
    assert hashlib.sha256(corpus.encode()).hexdigest() == summary["sha256_of_text"]
    assert len(summary["works"]) == 42 and "hamlet" in summary["works"]
    assert "To be, or not to be" in corpus and "From fairest creatures" in corpus
    assert "gutenberg" not in corpus.lower() and "Paradise Lost" not in corpus


def _fake_download(monkeypatch, data=None, problem=None):
    import io
    import urllib.request
    calls = []

    def urlopen(url, timeout=None):
        calls.append(url)
        if problem:
            raise problem
        return io.BytesIO(data)
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return calls


def test_tinyshakespeare_is_checked_and_kept(monkeypatch, tmp_path):
    """A real download (from a file:// URL made here) whose MD5 matches is used and kept."""
    import hashlib
    import urllib.request
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path / "output"))
    served = tmp_path / "shakespeare.txt"
    served.write_text("First Citizen:\nBefore we proceed any further, hear me speak.\n" * 200)
    md5 = hashlib.md5(served.read_bytes()).hexdigest()
    monkeypatch.setattr(text, "TINY_SHAKESPEARE_MD5", md5)
    calls, urlopen = [], urllib.request.urlopen
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: calls.append(url) or urlopen(url, timeout=timeout))
    corpus, said = text.course_text(online=True, url=served.as_uri())
    assert corpus == served.read_text() and "checksum checked" in said
    assert (tmp_path / "output" / "text" / "tinyshakespeare.txt").read_bytes() == \
        served.read_bytes()
    served.unlink()
    again, _ = text.course_text(online=True, url=served.as_uri())
    assert again == corpus and calls == [served.as_uri()]  # kept after the first download


def test_a_wrong_or_missing_download_falls_back_to_the_bundled_corpus(monkeypatch, tmp_path):
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path))
    _fake_download(monkeypatch, b"<html>captive portal</html>")
    corpus, said = text.course_text(online=True)
    assert "checksum differs" in said and corpus == text.shakespeare()
    _fake_download(monkeypatch, problem=OSError("no network"))
    corpus, said = text.course_text(online=True)
    assert "could not be downloaded (no network)" in said and len(corpus) > 5_000_000 - 1
    assert not (tmp_path / "text" / "tinyshakespeare.txt").exists()


@pytest.mark.parametrize("value, pasted, says", [
    ({"big.txt": {"content": b"", "metadata": {}}}, "", "arrived empty"),
    ((), "too short", "at least 1,000"),
    ([{"name": "pic.txt", "content": memoryview(b"\x89PNG\x00\x00" * 300)}], "", "binary"),
])
def test_bad_uploads_and_pastes_say_why_and_fall_back(value, pasted, says):
    corpus, remarks = text.uploaded_text(value, pasted, fallback="the fallback")
    assert corpus == "the fallback" and says in remarks[0] and len(remarks) == 2


def test_uploads_of_both_widget_versions_and_pastes_are_read():
    poem = (KOREAN_POEM * 30).encode("cp949")
    for value in ({"시.txt": {"content": poem, "metadata": {}}},
                  ({"name": "시.txt", "content": memoryview(poem)},),
                  {"시.txt": poem}):  # ipywidgets 7, ipywidgets 8, google.colab.files.upload()
        corpus, remarks = text.uploaded_text(value, "", fallback="unused")
        assert corpus == KOREAN_POEM * 30 and "CP949" in remarks[0]
    corpus, remarks = text.uploaded_text(None, KOREAN_POEM * 30, fallback="unused")
    assert corpus == KOREAN_POEM * 30 and remarks == ["Read your pasted text as UTF-8."]


def test_with_nothing_given_the_sonnets_are_learned():
    corpus, remarks = text.uploaded_text((), "   ")
    assert corpus == text.sonnets() and "Sonnets" in remarks[-1]
    assert corpus.startswith("THE SONNETS") and "From fairest creatures" in corpus
    assert "by William Shakespeare" not in corpus[100:]  # one work, not the next one too


def test_in_korean_with_nothing_given_traditional_korean_texts_are_learned(monkeypatch):
    import hashlib
    import json
    from artlab import env
    monkeypatch.setenv("ARTLAB_LANG", "ko")
    corpus, remarks = text.uploaded_text((), "")
    assert corpus == text.korean_traditional() and re.search(r"[가-힣]", remarks[-1])
    about = json.loads((env.assets_dir() / "text" / "korean_traditional.json").read_text())
    assert len(corpus) == about["characters"] >= 40_000 and about["language"] == "ko"
    data = (env.assets_dir() / "text" / "korean_traditional.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == about["sha256"]
    assert [line for line in corpus.splitlines() if line.startswith("== ")] == [
        "== 속담 ==", "== 시조 ==", "== 민요 =="]


def test_the_corpus_splits_into_its_42_works():
    works = text.shakespeare_works()
    assert len(works) == 42 and "".join(works.values()) == text.shakespeare()
    assert works["tempest"].startswith("THE TEMPEST")
