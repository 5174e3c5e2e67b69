"""Files from an ipywidgets FileUpload box, whichever ipywidgets the notebook runs.

Colab ships ipywidgets 7, where `upload.value` is a dict {file name: {"content": bytes,
"metadata": {...}}}; JupyterLab 4 needs ipywidgets 8, where it is a tuple of dicts with
"name" and "content" (a memoryview). Colab's own `files.upload()` gives {file name: bytes}.
"""


def uploaded_files(value):
    """[(file name, bytes)] for every file in a FileUpload's value (empty if none)."""
    if isinstance(value, dict):
        items = [(name, item if isinstance(item, (bytes, bytearray, memoryview))
                  else item.get("content", b"")) for name, item in value.items()]
    else:
        items = [(item["name"], item["content"]) for item in value or ()]
    return [(name, bytes(content)) for name, content in items]
