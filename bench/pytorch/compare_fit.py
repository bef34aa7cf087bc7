#!/usr/bin/env python3
"""gradc's first-order optimizers against PyTorch's, step for step.

Linear regression (mse) and logistic regression (bce) on data/diabetes.csv (or, when
it is absent, a generated dataset of the same shape), trained by `gradc fit --json
--no-shuffle` and by torch.optim in float64 from zero parameters: the same rows in
the same batches (the last one partial), the same learning rate, every other
hyper-parameter at its default (gradc's defaults are PyTorch's; momentum and
nesterov take momentum 0.9), then with other hyper-parameters and learning-rate
schedules set through gradc fit's options. Prints, per run, the largest relative
difference of the final parameters and of the losses after every epoch.

    /usr/bin/python3 bench/pytorch/compare_fit.py [--gradc build/release/tools/gradc]
"""
import argparse
import json
import subprocess
import sys
import tempfile
from collections import namedtuple
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 5
LEARNING_RATE = 0.05
BATCHES = (32, 0)  # 0: the full batch; 442 rows in batches of 32 end with one of 26
AGREE = 1e-10  # beyond this a difference is a different rule, not rounding

Setting = namedtuple("Setting", "optimizer flags make schedule")
optim, lr_scheduler = torch.optim, torch.optim.lr_scheduler


def setting(optimizer, make, flags="", schedule=None):
    """gradc's --optimizer with `flags`, and the torch.optim optimizer (and scheduler,
    stepped after every step) that it follows."""
    return Setting(optimizer, flags.split(), make, schedule)


DEFAULTS = [  # every hyper-parameter but the learning rate at its default
    setting("gd", lambda p, lr: optim.SGD(p, lr=lr)),
    setting("momentum", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9)),
    setting("nesterov", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9, nesterov=True)),
    setting("adagrad", lambda p, lr: optim.Adagrad(p, lr=lr)),
    setting("rmsprop", lambda p, lr: optim.RMSprop(p, lr=lr)),
    setting("adam", lambda p, lr: optim.Adam(p, lr=lr)),
    setting("adamw", lambda p, lr: optim.AdamW(p, lr=lr)),
]
CHOSEN = [  # other hyper-parameters and schedules, where gradc fit has the options
    setting("gd", lambda p, lr: optim.SGD(p, lr=lr, weight_decay=0.01), "--weight-decay 0.01"),
    setting("momentum", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.5, weight_decay=0.01),
            "--momentum 0.5 --weight-decay 0.01"),
    setting("momentum", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.8, nesterov=True), "--momentum 0.8 --nesterov"),
    setting("adagrad", lambda p, lr: optim.Adagrad(p, lr=lr, weight_decay=0.01, eps=1e-6),
            "--weight-decay 0.01 --eps 1e-6"),
    setting("rmsprop", lambda p, lr: optim.RMSprop(p, lr=lr, alpha=0.9, eps=1e-6, momentum=0.9),
            "--alpha 0.9 --eps 1e-6 --momentum 0.9"),
    setting("rmsprop", lambda p, lr: optim.RMSprop(p, lr=lr, weight_decay=0.01), "--weight-decay 0.01"),
    setting("adam", lambda p, lr: optim.Adam(p, lr=lr, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01),
            "--betas 0.8,0.99 --eps 1e-6 --weight-decay 0.01"),
    setting("adamw", lambda p, lr: optim.AdamW(p, lr=lr, betas=(0.85, 0.995), weight_decay=0.1),
            "--betas 0.85,0.995 --weight-decay 0.1"),
    setting("gd", lambda p, lr: optim.SGD(p, lr=lr), "--schedule step:10:0.5",
            lambda o: lr_scheduler.StepLR(o, step_size=10, gamma=0.5)),
    setting("adam", lambda p, lr: optim.Adam(p, lr=lr), "--schedule exp:0.98",
            lambda o: lr_scheduler.ExponentialLR(o, gamma=0.98)),
    setting("momentum", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9), "--schedule cosine:70",
            lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=70)),
    # Past T_max the rate rises again (the batches of 32 take 70 steps).
    setting("rmsprop", lambda p, lr: optim.RMSprop(p, lr=lr), "--schedule cosine:50:0.001",
            lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=0.001)),
]

# gradc's --loss, its target column and PyTorch's loss.
LOSSES = {
    "mse": ("target", torch.nn.MSELoss),
    "bce": ("label", torch.nn.BCEWithLogitsLoss),
}


def find_gradc(given):
    if given:
        return Path(given)
    for preset in ("release", "dev"):
        path = ROOT / "build" / preset / "tools" / "gradc"
        if path.exists():
            return path
    sys.exit("compare_fit.py: no gradc under build/*/tools; build it, or pass --gradc PATH")


def load_data():
    """Features (standardized), the regression target and a 0/1 label, and where they came from."""
    path = ROOT / "data" / "diabetes.csv"
    if path.exists():
        with open(path) as f:
            header = f.readline().strip().split(",")
        table = np.loadtxt(path, delimiter=",", skiprows=1)
        names, x, target = header[:-1], table[:, :-1], table[:, -1]
        source = f"data/diabetes.csv, {len(target)} rows x {len(names)} features"
    else:
        rng = np.random.RandomState(0)
        x = rng.normal(size=(442, 10))
        target = 150 + x @ np.linspace(-20, 40, 10) + 50 * rng.normal(size=442)
        names = [f"x{i}" for i in range(10)]
        source = "generated (data/diabetes.csv absent), 442 rows x 10 features"
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    label = (target > np.median(target)).astype(float)
    return names, x, target, label, source


def write_csv(path, names, columns):
    """Writes `columns` and returns them as read back: 15 significant digits, because
    gradc's CSV reader (Boost Spirit X3's double parser) misreads some numbers of 16 or
    17 digits by one unit in the last place, and both sides must train on the same data."""
    text = np.vectorize(lambda v: "%.15g" % v)(np.column_stack(columns))
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for row in text:
            f.write(",".join(row) + "\n")
    return text.astype(float)


def run_gradc(gradc, csv, model, loss, chosen, batch):
    command = [str(gradc), "fit", model, "--data", str(csv), "--target", LOSSES[loss][0], "--loss", loss,
               "--optimizer", chosen.optimizer, *chosen.flags, "--lr", repr(LEARNING_RATE), "--epochs", str(EPOCHS),
               "--no-shuffle", "--exact-loss", "--json"]
    if batch:
        command += ["--batch-size", str(batch)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"compare_fit.py: {' '.join(command)} failed:\n{done.stderr}")
    result = json.loads(done.stdout)
    return np.array(list(result["params"].values())), np.array(result["history"])


def run_torch(x, y, loss, chosen, batch):
    """Parameters in gradc's order (coefficients, then the intercept) and the loss at the
    end of every epoch over all rows, as gradc reports it."""
    x, y = torch.tensor(x), torch.tensor(y)
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = chosen.make([w, b], LEARNING_RATE)
    scheduler = chosen.schedule(optimizer) if chosen.schedule else None
    criterion = LOSSES[loss][1]()
    size = batch or len(y)
    history = []
    for _ in range(EPOCHS):
        for start in range(0, len(y), size):
            optimizer.zero_grad()
            criterion(x[start:start + size] @ w + b, y[start:start + size]).backward()
            optimizer.step()
            if scheduler:
                scheduler.step()
        with torch.no_grad():
            history.append(criterion(x @ w + b, y).item())
    return np.append(w.detach().numpy(), b.item()), np.array(history)


def relative_difference(a, b):
    """The largest |a - b| / max(|a|, |b|) over the entries (0 where both are 0)."""
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0)))


def scaled_difference(a, b):
    """The largest |a - b| over the entries, relative to the largest |b|: a parameter
    near 0 (an intercept whose gradient nearly cancels) has a large relative difference
    from rounding alone."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def missing_options(help_text, chosen):
    """The options of `chosen` that `gradc fit --help` does not list."""
    return [flag for flag in chosen.flags if flag.startswith("--") and flag not in help_text.split()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gradc", help="the gradc executable (default: build/release/tools/gradc, else build/dev)")
    gradc = find_gradc(parser.parse_args().gradc)
    torch.set_num_threads(1)
    help_text = subprocess.run([str(gradc), "fit", "--help"], capture_output=True, text=True).stdout

    names, x, target, label, source = load_data()
    features = len(names)
    # Parameter names that no column resembles, so gradc takes them as parameters.
    model = " + ".join(f"coef{i}*{name}" for i, name in enumerate(names)) + " + bias"
    print(f"PyTorch {torch.__version__}, float64; {source}, features standardized")
    print(f"{EPOCHS} epochs, lr {LEARNING_RATE}, no shuffling, parameters from 0; hyper-parameters at PyTorch's")
    print("defaults (momentum 0.9 for momentum and nesterov) unless given; schedulers step after every step")
    print(f"parameters: max |gradc - PyTorch| / max(|gradc|, |PyTorch|) over the {features + 1} final parameters;")
    print("  scaled: max |gradc - PyTorch| / max |PyTorch| over them; losses: the relative difference over the")
    print(f"  {EPOCHS} epochs' losses. Verdict: agree when parameters and losses are within {AGREE:g}\n")
    print(f"{'loss':<5} {'batch':<12} {'optimizer':<50} {'parameters':>10} {'scaled':>9} {'losses':>9}  verdict")
    worst = 0.0
    runs = [(batch, chosen) for batch in BATCHES for chosen in DEFAULTS] + [(BATCHES[0], chosen) for chosen in CHOSEN]
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "train.csv"
        data = write_csv(csv, names + ["target", "label"], [x, target, label])
        x, columns = data[:, :features], {"target": data[:, features], "label": data[:, features + 1]}
        for loss, (column, _) in LOSSES.items():
            for batch, chosen in runs:
                rows = len(columns[column])
                what = f"{batch} (last {rows % batch})" if batch and rows % batch else str(batch or "full")
                label_text = " ".join([chosen.optimizer, *chosen.flags])
                missing = missing_options(help_text, chosen)
                if missing:
                    print(f"{loss:<5} {what:<12} {label_text:<50} skipped: gradc fit has no {', '.join(missing)}")
                    continue
                params, history = run_gradc(gradc, csv, model, loss, chosen, batch)
                torch_params, torch_history = run_torch(x, columns[column], loss, chosen, batch)
                dp = relative_difference(params, torch_params)
                ds = scaled_difference(params, torch_params)
                dl = relative_difference(history, torch_history)
                worst = max(worst, dp, dl)
                verdict = "agree" if max(dp, dl) <= AGREE else "DIFFER"
                print(f"{loss:<5} {what:<12} {label_text:<50} {dp:10.1e} {ds:9.1e} {dl:9.1e}  {verdict}")
    print(f"\nlargest difference: {worst:.1e}")
    return 0 if worst <= AGREE else 1


if __name__ == "__main__":
    sys.exit(main())
