"""A progress bar with a live loss plot, for training cells."""
from artlab.i18n import _


class LiveLoss:
    """Call it once per training step with the loss; it moves a tqdm bar and redraws the loss
    curve every `every` steps (beside an optional reference line, e.g. the course model's).
    The bar counts `total` steps, or, given `minutes` instead, the seconds of a time budget.
    With `sample` (a function returning a short text, e.g. a line the model writes now, or
    something to display, e.g. a bar of melody with its player), the model's work is shown
    under the curve before training and after each check. `counts` names what one call is:
    "steps" (a batch), "epochs" (a pass over all the data) or "rounds" (a round of training)."""

    def __init__(self, total=None, title=None, every=10, reference=None,
                 unit=None, minutes=None, sample=None, counts="steps"):
        import time
        import ipywidgets as widgets
        from IPython.display import display
        from tqdm.auto import tqdm
        title = title or _("training")
        self.total, self.title, self.every, self.reference = total, title, max(1, every), reference
        self.unit, self.started = unit or _("nats per event"), time.monotonic()
        self.losses, self.checks, self.sample, self.counts = [], [], sample, counts
        self.samples = [(0, self._made(sample()))] if sample else []
        if minutes is None:
            self.bar = tqdm(total=total, desc=title)
        else:
            self.bar = tqdm(total=round(minutes * 60), desc=title, unit="s")
        self.timed = minutes is not None
        self.plot = widgets.Output()
        display(self.plot)

    def __call__(self, step, loss):
        import time
        self.losses.append(float(loss))
        if self.timed:
            self.bar.n = min(self.bar.total, round(time.monotonic() - self.started))
            self.bar.refresh()
        else:
            self.bar.update(1)
        self.bar.set_postfix(loss=f"{loss:.3f}", step=len(self.losses))
        if len(self.losses) % self.every == 0 or len(self.losses) == self.total:
            self.draw()

    def check(self, step, loss):
        """A loss on text the model does not train on, after `step` steps (drawn as dots)."""
        self.checks.append((step, float(loss)))
        if self.sample:
            self.samples.append((step, self._made(self.sample())))
        self.draw()

    def show(self, step, work):
        """Show the model's work after `step` steps (0: before training) under the curve."""
        self.samples.append((step, self._made(work)))
        self.draw()

    def draw(self):
        import matplotlib.pyplot as plt
        from IPython.display import display
        with self.plot:
            self.plot.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(7, 2.8))
            ax.plot(range(1, len(self.losses) + 1), self.losses, label=_("loss, this run"))
            if self.checks:
                ax.plot(*zip(*self.checks), "o-", color="tab:red", label=_("on text it never trains on"))
            if self.reference is not None:
                ax.axhline(self.reference[1], color="grey", linestyle="--", label=self.reference[0])
            ax.set_xlabel({"epochs": _("epoch"), "rounds": _("training round")}.get(self.counts, _("training step")))
            ax.set_ylabel(_("loss ({unit})").format(unit=self.unit))
            ax.set_title(self.title); ax.legend()
            display(fig)
            plt.close(fig)
            shown = self.samples[:1] + self.samples[1:][-3:]  # before training, and the latest
            for step, made in shown:
                if step == 0:
                    when = _("before training")
                elif self.counts == "epochs":
                    when = _("after 1 epoch") if step == 1 else _("after {step} epochs").format(step=step)
                elif self.counts == "rounds":
                    when = _("after 1 round") if step == 1 else _("after {step} rounds").format(step=step)
                else:
                    when = _("after 1 step") if step == 1 else _("after {step} steps").format(step=step)
                if isinstance(made, str):
                    print(f"{when:>18}: {made}")
                else:
                    print(f"{when}:")
                    display(made)

    @staticmethod
    def _made(work):
        """Text as it is; anything else shown once in its own small widget (redrawn cheaply)."""
        import ipywidgets as widgets
        from IPython.display import display
        if isinstance(work, (str, widgets.Widget)):
            return work
        shown = widgets.Output()
        with shown:
            display(work)
        return shown

    def close(self):
        self.bar.close()
        if self.losses:
            self.draw()
