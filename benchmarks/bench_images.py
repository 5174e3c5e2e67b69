"""Notebook 05's networks on this machine, each beside the reference recipe in the same run.
One JSON line per figure, appended to benchmarks/results/bench_images.jsonl.

- CPPN render time for a 512 x 512 picture (and a 2048 print): the notebook's NumPy painter
  against the same network as a Keras model asked with `predict` (the usual recipe).
- Fitting a picture: seconds and epochs until the network paints the built-in photograph at
  --psnr decibels, the notebook's network with Fourier features against the same network on
  plain (x, y) (the "painting network" recipe of CADL and similar courses), both for --epochs.
- The grower: seconds per growth step (one frame), the notebook's `grower.step` called eagerly.

The notebook's own cells are run (found by the function they define), so the figures are for
the code an artist runs. Run: .venv/bin/python benchmarks/bench_images.py [--epochs 150]
"""
import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import env  # noqa: E402

env.quiet_tensorflow()
from artlab import growing, images  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "05_painting_with_networks.ipynb"


def notebook_definitions(defines):
    """The definitions in the notebook's code cell that defines `defines`: its imports, functions
    and settings (names in capitals, and `random`), without the demo that runs them."""
    import ast
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"def {defines}(" in source:
            kept = [node for node in ast.parse(source).body
                    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))
                    or isinstance(node, ast.Assign) and all(
                        isinstance(t, ast.Name) and (t.id.isupper() or t.id == "random") for t in node.targets)]
            return ast.unparse(ast.Module(body=kept, type_ignores=[]))
    raise SystemExit(f"no cell of {NOTEBOOK.name} defines {defines}")


def best_of(runs, work):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def cppn_figures(space):
    import keras
    painter = space["make_painter"](seed=7)
    ours = best_of(3, lambda: images.render(painter, 512))
    big = best_of(1, lambda: images.render(painter, 2048))
    # The same network as a Keras model, asked for every pixel with predict.
    random = np.random.default_rng(7)
    sizes = [5] + [24] * 6 + [3]
    layers = [(random.normal(0, 1, (a, b)).astype("float32"), random.normal(0, 0.5, b).astype("float32"))
              for a, b in zip(sizes, sizes[1:])]
    model = keras.Sequential([keras.Input((5,))] +
                             [keras.layers.Dense(b.shape[0], activation="tanh") for _, b in layers[:-1]] +
                             [keras.layers.Dense(3, activation="sigmoid")])
    model.set_weights([part for layer in layers for part in layer])

    def keras_paint(xy):
        x, y = xy[:, :1] * 2.0, xy[:, 1:] * 2.0
        inputs = np.concatenate([x, y, np.sqrt(x ** 2 + y ** 2), np.zeros((len(xy), 2), np.float32)], axis=1)
        return model.predict(inputs, batch_size=8192, verbose=0)
    same = np.abs(images.render(keras_paint, 64) - images.render(painter, 64)).max()
    reference = best_of(3, lambda: images.render(keras_paint, 512))
    return [{"figure": "cppn_render_seconds", "pixels": 512, "artlab_numpy": round(ours, 3),
             "keras_predict": round(reference, 3), "largest_colour_difference": float(same),
             "print_2048_seconds": round(big, 2)}]


def fitting_figures(space, epochs, target_psnr):
    import keras
    size = 96
    target = images.as_array(images.builtin(images.PHOTO), size)
    xy = images.grid(size)
    figures = []
    for recipe, inputs in (("fourier_features", space["fourier_features"](xy)), ("plain_xy", xy)):
        network = space["make_picture_network"](inputs.shape[1])
        reached, scores, started = None, [], time.perf_counter()

        def after_epoch(epoch, logs):
            nonlocal reached
            made = network.predict(inputs, batch_size=4096, verbose=0).reshape(target.shape)
            scores.append(images.psnr(made, target))
            if reached is None and scores[-1] >= target_psnr:
                reached = (epoch + 1, time.perf_counter() - started)
        network.fit(inputs, target.reshape(-1, 3), batch_size=512, epochs=epochs, shuffle=True, verbose=0,
                    callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=after_epoch)])
        figures.append({"figure": "fit_picture", "recipe": recipe, "pixels": size, "epochs": epochs,
                        "seconds": round(time.perf_counter() - started, 1),
                        "final_psnr_db": round(scores[-1], 2), "target_psnr_db": target_psnr,
                        "epochs_to_target": reached and reached[0],
                        "seconds_to_target": reached and round(reached[1], 1),
                        "note": "seconds include scoring the whole picture after every epoch"})
    return figures


def growing_figures():
    grower, about = growing.course_grower()
    state = growing.seed_state(about["size"])
    state = np.asarray(grower.step(state))  # the first call builds the step
    frame = best_of(3, lambda: [np.asarray(grower.step(state)) for _ in range(48)]) / 48
    # Training: seconds per round at the course grower's settings (notebook 05's "train your own").
    wanted = np.zeros((about["size"], about["size"], 4), np.float32)
    wanted[10:30, 10:30] = 1.0
    stamps = []
    trainee = growing.make_growing_model(hidden=about["hidden"])
    growing.train(trainee, wanted, 8, on_step=lambda step, loss: stamps.append(time.perf_counter()))
    per_round = (stamps[-1] - stamps[2]) / (len(stamps) - 3)  # after the first rounds build the graph
    return [{"figure": "grower_seconds_per_step", "grid": about["size"], "seconds": round(frame, 4),
             "note": "one step of the whole grid = one frame of the animation"},
            {"figure": "grower_training_seconds_per_round", "grid": about["size"],
             "seconds": round(per_round, 2),
             "note": "a round: 8 growths of 48 steps, scored and learned from, then grown again for the pool"}]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--psnr", type=float, default=25.0)
    args = parser.parse_args()
    space = {"env": env, "images": images, "np": np}  # what earlier cells imported
    for defines in ("make_painter", "fourier_features", "make_picture_network"):
        exec(notebook_definitions(defines), space)
    stamp = {"machine": f"{__import__('os').cpu_count()} cores", "date": str(datetime.date.today()),
             "command": "python benchmarks/bench_images.py " + " ".join(sys.argv[1:])}
    out = ROOT / "benchmarks" / "results" / "bench_images.jsonl"
    for figure in cppn_figures(space) + fitting_figures(space, args.epochs, args.psnr) + growing_figures():
        line = json.dumps({**figure, **stamp})
        print(line, flush=True)
        with out.open("a") as results:
            results.write(line + "\n")


if __name__ == "__main__":
    main()
