"""Reading texts for the writer: encodings (Korean included) and bad files."""
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
