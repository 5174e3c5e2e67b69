"""`python -m artlab ...`: the course's tools from a terminal."""
import argparse
import random
import sys
from pathlib import Path

from artlab import ArtlabError
from artlab.i18n import _


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong argument as one `error:` line, exit 2."""

    def error(self, message):
        print(_("error: {message} (see `{command}`)").format(
            message=message, command=f"python -m artlab {self.prog.split()[-1]} --help"),
              file=sys.stderr)
        sys.exit(2)


def _melody(args):
    from artlab import env, melody, music
    env.quiet_tensorflow()
    melody.check_settings(args.bars, args.temperature, args.beam)
    out = _out_folder(args.out)
    primer, remarks = music.primer(args.primer)
    _notes(remarks)
    model = melody.load(args.bundle)
    seed = _seed(args)
    result = model.generate(primer, bars=args.bars, temperature=args.temperature,
                            beam_size=args.beam, seed=seed)
    primer_end = max(n.end_time for n in primer.notes)
    stem = _stem("melody-", args.primer, "primer")
    paths = music.save(result, stem, out, highlight_after=primer_end)
    print(_("{notes} notes, {bars} bars after the primer, seed {seed}").format(
        notes=len(result.notes), bars=args.bars, seed=seed))
    _print_paths(paths)
    return 0


def _harmonize(args):
    from artlab import env, harmony, music
    env.quiet_tensorflow()
    harmony.check_settings(args.bars, args.temperature)
    instruments = tuple(args.instruments.split(","))
    harmony.check_instruments(instruments)
    out = _out_folder(args.out)
    melody, remarks = music.primer(args.primer)
    _notes(remarks)
    model = harmony.load(args.bundle)
    seed = _seed(args)
    result = model.harmonize(melody, temperature=args.temperature, seed=seed)
    if args.bars:
        result = model.continue_piece(result, bars=args.bars, temperature=args.temperature,
                                      seed=seed)
    stem = _stem("four-voices-", args.primer, "melody")
    paths = music.save(harmony.with_instruments(result, instruments), stem, out,
                       voice_names=harmony.voice_names())
    print(_("{notes} notes in four voices, {bars} bars after the melody, seed {seed}").format(
        notes=len(result.notes), bars=args.bars, seed=seed))
    _print_paths(paths)
    return 0


def _notes(remarks, file=None):
    """Print each remark on the input as a `note:` line."""
    for remark in remarks:
        print(_("note: {remark}").format(remark=remark), file=file or sys.stdout)


def _seed(args):
    """The seed asked for, or a new random one."""
    return args.seed if args.seed is not None else random.randrange(10**6)


def _stem(prefix, primer, fallback):
    """A file name stem from a primer: a MIDI file's name, a built-in primer's name, or `fallback`."""
    name = Path(primer).stem if primer.lower().endswith((".mid", ".midi")) else primer
    return prefix + (name if name.replace("_", "").replace("-", "").isalnum() else fallback)


def _print_paths(paths):
    for kind, path in paths.items():
        print(f"{kind}: {path}")


def _out_folder(out):
    """The folder to save in, checked before any work starts."""
    from artlab import env, files
    return files.usable_folder(out) if out else env.output_dir()


def _tokens(args):
    from artlab import env, music, tokens
    env.quiet_tensorflow()
    seq, remarks = music.primer(args.source)
    _notes(remarks)
    if args.scheme == "melody":
        events = tokens.melody_events(seq)
        print(" ".join(tokens.event_name(e) for e in events))
        print(_("{count} melody events (one per sixteenth note)").format(count=len(events)))
    else:
        remi = tokens.remi_tokens(seq)
        print(" ".join(remi))
        print(_("{count} REMI tokens, vocabulary of {size}").format(
            count=len(remi), size=len(tokens.remi_tokenizer())))
    return 0


def _write(args):
    from artlab import env, writer
    env.quiet_tensorflow()
    chosen = writer.load(args.model)
    _notes(chosen.remarks(args.prompt), file=sys.stderr)
    seed = _seed(args)
    print(chosen.write(args.prompt, args.length, args.temperature, seed))
    return 0


def _train_writer(args):
    from artlab import env, text, writer
    env.quiet_tensorflow()
    out = _out_folder(args.out)
    corpus, remarks = text.read(args.file)
    _notes(remarks)
    path = writer.train_on(corpus, args.minutes, out, stem=Path(args.file).stem + "-writer",
                           settings=dict(writer.WORKSHOP, cell=args.cell))
    print(_("saved: {path}").format(path=path))
    print(_("write with it: {command}").format(
        command=f"python -m artlab write --model {path} --prompt \"...\""))
    return 0


def _doctor(args):
    from artlab import doctor
    return doctor.run()


def build_parser():
    from artlab import harmony  # no TensorFlow at import
    parser = _Parser(prog="artlab", description=_("ML for Artists: make music and text."))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    melody = commands.add_parser("melody", help=_("continue a melody with the course MelodyRNN"))
    melody.add_argument("--primer", default="twinkle",
                        help=_("a built-in name (twinkle, ode_to_joy, arirang), a .mid file, "
                               "or typed notes like 'C4 D4 E4 G4'"))
    melody.add_argument("--bars", type=int, default=8, help=_("bars to add (1-64)"))
    melody.add_argument("--temperature", type=float, default=1.0,
                        help=_("above 0; lower is safer, higher is wilder"))
    melody.add_argument("--beam", type=int, default=1, help=_("beam search width (1-8)"))
    melody.add_argument("--bundle", default=None, help=_("a MelodyRNN .mag file"))
    melody.add_argument("--seed", type=int, default=None, help=_("same seed, same melody"))
    melody.add_argument("--out", default=None, help=_("folder for the files"))
    melody.set_defaults(run=_melody)
    harmonize = commands.add_parser(
        "harmonize", help=_("add alto, tenor and bass under a melody (PolyphonyRNN, Bach)"))
    harmonize.add_argument("--primer", default="twinkle",
                           help=_("a built-in name (twinkle, ode_to_joy, arirang), a .mid file, "
                                  "or typed notes like 'C4 D4 E4 G4'"))
    harmonize.add_argument("--bars", type=int, default=0,
                           help=_("bars to continue in four voices after the melody (0-32)"))
    harmonize.add_argument("--temperature", type=float, default=1.0,
                           help=_("above 0; lower is safer, higher is wilder"))
    harmonize.add_argument("--instruments", default=",".join(harmony.DEFAULT_INSTRUMENTS),
                           help=_("four instruments, soprano to bass, from: {names}").format(
                               names=", ".join(harmony.INSTRUMENTS)))
    harmonize.add_argument("--bundle", default=None, help=_("a PolyphonyRNN .mag file"))
    harmonize.add_argument("--seed", type=int, default=None, help=_("same seed, same harmony"))
    harmonize.add_argument("--out", default=None, help=_("folder for the files"))
    harmonize.set_defaults(run=_harmonize)
    tokens = commands.add_parser("tokens", help=_("show a melody as the tokens a model reads"))
    tokens.add_argument("source", help=_("a .mid file, a built-in primer or typed notes"))
    tokens.add_argument("--scheme", choices=["melody", "remi"], default="melody",
                        help=_("Magenta melody events or REMI tokens (miditok)"))
    tokens.set_defaults(run=_tokens)
    write = commands.add_parser("write", help=_("write text with the course writer (or yours)"))
    write.add_argument("--prompt", default="ROMEO:", help=_("the text to start from"))
    write.add_argument("--length", type=int, default=500, help=_("characters to write"))
    write.add_argument("--temperature", type=float, default=0.8,
                       help=_("above 0, at most 5; lower is safer, higher is wilder"))
    write.add_argument("--model", default=None, help=_("a writer .zip saved by the course"))
    write.add_argument("--seed", type=int, default=None, help=_("same seed, same text"))
    write.set_defaults(run=_write)
    train = commands.add_parser("train-writer", help=_("train a writer on a .txt file"))
    train.add_argument("file", help=_("a .txt file (UTF-8 or Korean CP949/EUC-KR)"))
    train.add_argument("--minutes", type=float, default=10.0, help=_("how long to train"))
    train.add_argument("--out", default=None, help=_("folder for the saved writer"))
    train.add_argument("--cell", choices=["lstm", "gru"], default="lstm",
                       help=_("the writer's memory: an LSTM (the course's) or a GRU"))
    train.set_defaults(run=_train_writer)
    doctor = commands.add_parser("doctor", help=_("check this computer is ready for the workshop"))
    doctor.set_defaults(run=_doctor)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ArtlabError as error:
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return 2
