"""Show several melodies side by side (piano roll + player each) and offer their files for
download. Works with ipywidgets 7 (Colab) and 8 (JupyterLab 4)."""
import base64
import html
from pathlib import Path

from artlab.i18n import _

MIME = {"mid": "audio/midi", "wav": "audio/wav", "png": "image/png", "gif": "image/gif", "txt": "text/plain",
        "zip": "application/zip"}


def side_by_side(songs, primer=None, titles=None, per_row=2, keep_as=None):
    """A grid of piano rolls with players, `per_row` to a row (a widget to display). With
    `keep_as` (a file name stem), a button under each saves it for download."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from artlab import music
    titles = titles or [_("variation {number}").format(number=i + 1) for i in range(len(songs))]
    players = _players(songs)
    cells = []
    for song, title, player in zip(songs, titles, players):
        cell = widgets.Output(layout=widgets.Layout(width=f"{96 // per_row}%"))
        with cell:
            ax = plt.subplots(figsize=(5.5, 2.4))[1]
            music.show(song, primer, title, ax=ax, player=player)
        if keep_as:
            cell = widgets.VBox([cell, _keep_song(song, primer, f"{keep_as}-{len(cells) + 1}", title)],
                                layout=cell.layout)
        cells.append(cell)
    rows = [widgets.HBox(cells[i:i + per_row]) for i in range(0, len(cells), per_row)]
    return widgets.VBox(rows)


def _keep_song(song, primer, stem, title):
    from artlab import music
    return keep_button(lambda: music.save(song, stem, highlight_after=music.primer_end(primer)), f"{title}:",
                       _("keep {title}").format(title=title))


_PLAYED = []  # set once this process has made a player (FluidSynth's one-time set-up is done)


def _players(songs):
    """music.play for each song, several at once: FluidSynth renders outside Python's lock, so
    on a machine with two cores two songs take about the time of one (the same players)."""
    import os
    from artlab import music
    players = [] if _PLAYED or not songs else [music.play(songs[0])]  # the first alone
    _PLAYED.append(True)
    rest = songs[len(players):]
    workers = min(len(rest), os.cpu_count() or 1, 4)
    if workers < 2:
        return players + [music.play(song) for song in rest]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(workers, thread_name_prefix="artlab-play") as pool:
        return players + list(pool.map(music.play, rest))


def texts_side_by_side(texts, titles, per_row=3):
    """Several texts in columns, `per_row` to a row, each under its title (HTML to display)."""
    from IPython.display import HTML
    cells = [f'<div style="flex:1 1 {90 // per_row}%;min-width:14em;margin:0 .5em 1em 0">'
             f"<b>{html.escape(title)}</b>"
             '<pre style="white-space:pre-wrap;word-break:normal;font-size:0.85em">'
             f"{html.escape(text)}</pre></div>"
             for text, title in zip(texts, titles)]
    return HTML('<div style="display:flex;flex-wrap:wrap">' + "".join(cells) + "</div>")


def download_links(paths, label=None):
    """Links that download each saved file from the browser, on Colab and in Jupyter alike
    (the file travels inside the link, so it works whatever folder the kernel runs in)."""
    from IPython.display import HTML
    links = []
    for kind, path in paths.items():
        path = Path(path)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        mime = MIME.get(kind, "application/octet-stream")
        links.append(f'<a download="{html.escape(path.name)}" href="data:{mime};base64,{data}" '
                     f'style="margin-right:1em">⬇ {html.escape(path.name)}</a>')
    prefix = f"<b>{html.escape(label)}</b> " if label else ""
    return HTML(prefix + " ".join(links))


def keep_button(make_files, label, description=None):
    """A button that saves when clicked (make_files() returns {kind: path}, new names each
    time) and shows the download links under it (a widget to display)."""
    import ipywidgets as widgets
    from IPython.display import display
    from artlab import ArtlabError, env
    button = widgets.Button(description=description or _("keep"), icon="download",
                            tooltip=_("save and download"),
                            layout=widgets.Layout(width="auto"))
    links = widgets.Output()

    def keep(click):
        with links:
            try:
                display(download_links(make_files(), label))
            except ArtlabError as problem:
                print(f"⚠ {problem}")
                if env.strict_mode():
                    raise

    button.on_click(keep)
    return widgets.VBox([button, links])
