#!/usr/bin/env python3
"""gradc's training against PyTorch's, step for step, in float64.

Linear regression (mse) and logistic regression (bce) on data/diabetes.csv (or, when
it is absent, a generated dataset of the same shape), trained by `gradc fit --json`
and by torch.optim from zero parameters on the same batches: by default gradc
shuffles every epoch, so each run asks it for its rows (`--row-order`), checks them
against the documented shuffle written out here (Fisher-Yates on mt19937_64), and
feeds PyTorch those batches. Every first-order optimizer runs shuffled, with PyTorch's
defaults and with other hyper-parameters and schedules set through gradc fit's
options; then full batches, file order (`--no-shuffle --exact-loss`), a validation
split with early stopping, and a small network (`--mlp`, PyTorch's nn.Linear layers
given gradc's initial weights). Prints, per run, the largest relative difference of
the final parameters and of the losses after every epoch, and exits with 1 when one
exceeds its tolerance.

    /usr/bin/python3 bench/pytorch/compare_fit.py [--gradc build/release/tools/gradc]

Exits with 77 (a skipped test for ctest) when torch cannot be imported.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import namedtuple
from pathlib import Path

try:
    import numpy as np
    import torch
except ImportError as missing:
    print(f"compare_fit.py: skipped: {missing} (Debian: apt-get install python3-torch python3-numpy)")
    sys.exit(77)

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 5
LEARNING_RATE = 0.05
BATCH = 32  # 442 rows in batches of 32 end with one of 26
SEED = 3  # of gradc's shuffles and split
# Tolerances: a few times the largest difference seen, 3.3e-15 (parameters) and 7.7e-16
# (losses) with Debian's reference BLAS, 2.5e-15 and 6.8e-16 with OpenBLAS 0.3.21 on 1
# and 2 threads (README.md). Parameters are compared relative to the largest one
# (an intercept that ends near 0 has a large relative difference from rounding alone),
# losses each relative to itself.
PARAMS_TOL = 1e-14
LOSSES_TOL = 3e-15

optim, lr_scheduler = torch.optim, torch.optim.lr_scheduler
Setting = namedtuple("Setting", "optimizer flags make schedule")


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
CHOSEN = [  # other hyper-parameters and schedules, through gradc fit's options
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
    # gradc's penalties are added to each batch's mean loss: PyTorch adds them to its loss.
    setting("gd", lambda p, lr: optim.SGD(p, lr=lr), "--l2 0.01"),
    setting("adam", lambda p, lr: optim.Adam(p, lr=lr), "--l1 0.5"),
]

# gradc's --loss, its target column and PyTorch's loss.
LOSSES = {
    "mse": ("target", torch.nn.MSELoss),
    "bce": ("label", torch.nn.BCEWithLogitsLoss),
}


# ---- gradc's documented row order, written out independently of gradc ----

class Mt19937_64:
    """std::mt19937_64: the 64-bit Mersenne Twister (MT19937-64, as C++ <random> has it)."""
    N, M, MASK = 312, 156, (1 << 64) - 1

    def __init__(self, seed):
        self.state = [seed & self.MASK]
        for i in range(1, self.N):
            prev = self.state[-1]
            self.state.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & self.MASK)
        self.index = self.N

    def __call__(self):
        if self.index >= self.N:
            s = self.state
            for i in range(self.N):
                x = (s[i] & 0xFFFFFFFF80000000) | (s[(i + 1) % self.N] & 0x7FFFFFFF)
                s[i] = s[(i + self.M) % self.N] ^ (x >> 1) ^ (0xB5026F5AA96619E9 if x & 1 else 0)
            self.index = 0
        y = self.state[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        return (y ^ (y >> 43)) & self.MASK


def fisher_yates(n, seed):
    """gradc's shuffle (docs/training.md): swap positions i - 1 and random() % i for i = n..2."""
    order, random = list(range(n)), Mt19937_64(seed)
    for i in range(n, 1, -1):
        j = random() % i
        order[i - 1], order[j] = order[j], order[i - 1]
    return order


def expected_row_order(rows, validation, seed, epochs, batch, shuffle):
    """The rows held out and each epoch's rows, as docs/training.md describes them."""
    if validation > 0:
        shuffled = fisher_yates(rows, seed)
        held = min(max(math.floor(validation * rows + 0.5), 1), rows - 1)
        train, held_out = shuffled[:rows - held], shuffled[rows - held:]
    else:
        train, held_out = list(range(rows)), []
    full = batch == 0 or batch >= len(train)
    epochs_rows = [[train[k] for k in fisher_yates(len(train), seed + e)] if shuffle and not full else list(train)
                   for e in range(1, epochs + 1)]
    return {"validation": held_out, "epochs": epochs_rows}


# ---- the runs ----

Run = namedtuple("Run", "loss batch chosen shuffle exact validation patience epochs mlp", defaults=(None,))


def describe(run, rows):
    if run.mlp:
        batch = f"{run.batch}"
    elif run.batch:
        batch = f"{run.batch}" + (" shuffled" if run.shuffle else " in order")
    else:
        batch = "full"
    extra = []
    if run.exact:
        extra.append("--exact-loss")
    if run.validation:
        extra.append(f"--validation {run.validation:g}" + (f" --patience {run.patience}" if run.patience else ""))
    if run.mlp:
        extra.append(f"--mlp {run.mlp} --activation tanh")
    return run.loss, batch, " ".join([run.chosen.optimizer, *run.chosen.flags, *extra])


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
    """Writes `columns` and returns them as read back: 15 significant digits, so that
    both sides train on the same decimal numbers."""
    text = np.vectorize(lambda v: "%.15g" % v)(np.column_stack(columns))
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for row in text:
            f.write(",".join(row) + "\n")
    return text.astype(float)


def gradc_fit(gradc, folder, csv, model, run, target, epochs=None):
    """gradc's result as JSON, its per-epoch validation losses and its row order."""
    order_file, history_file = folder / "order.json", folder / "history.csv"
    command = [str(gradc), "fit", *([model] if model else []), "--data", str(csv), "--target", target,
               "--loss", run.loss, "--optimizer", run.chosen.optimizer, *run.chosen.flags,
               "--lr", repr(LEARNING_RATE), "--epochs", str(run.epochs if epochs is None else epochs),
               "--seed", str(SEED), "--row-order", str(order_file), "--history", str(history_file), "--json"]
    # A network's batches of 32 are gradc's default: the comparison checks that default.
    command += ["--batch-size", str(run.batch)] if run.batch and not (run.mlp and run.batch == 32) else []
    command += [] if run.shuffle else ["--no-shuffle"]
    command += ["--exact-loss"] if run.exact else []
    command += ["--validation", repr(run.validation)] if run.validation else []
    command += ["--patience", str(run.patience)] if run.patience else []
    command += ["--mlp", run.mlp, "--activation", "tanh"] if run.mlp else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"compare_fit.py: {' '.join(command)} failed:\n{done.stderr}")
    lines = history_file.read_text().splitlines()[1:]  # epoch,loss,val_loss
    val_losses = np.array([float(line.split(",")[2]) for line in lines])
    return json.loads(done.stdout), val_losses, json.loads(order_file.read_text())


class Linear(torch.nn.Module):
    """The model coef·x + bias, parameters from 0, in gradc's order."""

    def __init__(self, features, names):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(features, dtype=torch.float64))
        self.b = torch.nn.Parameter(torch.zeros((), dtype=torch.float64))
        self.names = names

    def forward(self, x):
        return x @ self.w + self.b

    def values(self):
        return dict(zip(self.names, [*self.w.detach().numpy(), self.b.item()]))


class Mlp(torch.nn.Module):
    """gradc's --mlp H --activation tanh: nn.Linear layers holding gradc's starting
    weights (l<layer>_w_<unit>_<input>, l<layer>_b_<unit>)."""

    def __init__(self, widths, start):
        super().__init__()
        self.layers = torch.nn.ModuleList()
        for layer, (inputs, units) in enumerate(zip(widths, widths[1:]), start=1):
            linear = torch.nn.Linear(inputs, units).double()
            with torch.no_grad():
                for j in range(units):
                    linear.bias[j] = start[f"l{layer}_b_{j}"]
                    for i in range(inputs):
                        linear.weight[j, i] = start[f"l{layer}_w_{j}_{i}"]
            self.layers.append(linear)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.tanh(layer(x))
        return self.layers[-1](x)

    def values(self):
        out = {}
        for layer, linear in enumerate(self.layers, start=1):
            w, b = linear.weight.detach().numpy(), linear.bias.detach().numpy()
            for j in range(w.shape[0]):
                out.update({f"l{layer}_w_{j}_{i}": w[j, i] for i in range(w.shape[1])})
                out[f"l{layer}_b_{j}"] = b[j]
        return out


def torch_fit(model, criterion, penalty, chosen, x, y, order, batch, running_mean, patience):
    """PyTorch's run on gradc's batches: the history of training losses (the batches'
    mean as taken, or the loss at each epoch's end), validation losses, and the
    parameters kept (the best epoch's with early stopping)."""
    parameters = list(model.parameters())
    optimizer = chosen.make(parameters, LEARNING_RATE)
    scheduler = chosen.schedule(optimizer) if chosen.schedule else None
    train, held = order["epochs"][0], order["validation"]

    def loss_on(rows):
        return criterion(model(x[rows]), y[rows]) + penalty(parameters)

    history, val_history, best, since = [], [], (math.inf, None), 0
    for rows in order["epochs"]:
        size, weighted = batch or len(rows), 0.0
        for start in range(0, len(rows), size):
            optimizer.zero_grad()
            loss = loss_on(rows[start:start + size])
            loss.backward()
            optimizer.step()
            if scheduler:
                scheduler.step()
            weighted += loss.item() * len(rows[start:start + size])
        with torch.no_grad():
            history.append(weighted / len(rows) if running_mean else loss_on(train).item())
            if held:
                val_history.append(criterion(model(x[held]), y[held]).item())
        if patience:
            if val_history[-1] < best[0]:
                best, since = (val_history[-1], model.values()), 0
            else:
                since += 1
                if since >= patience:
                    return history, val_history, best[1]
    return history, val_history, model.values()


def relative_difference(a, b):
    """The largest |a - b| / max(|a|, |b|) over the entries (0 where both are 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return math.inf
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0), initial=0))


def scaled_difference(a, b):
    """The largest |a - b| over the entries, relative to the largest |b|."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def penalty_of(flags):
    """gradc's --l1 and --l2, added to PyTorch's loss."""
    l1 = float(flags[flags.index("--l1") + 1]) if "--l1" in flags else 0.0
    l2 = float(flags[flags.index("--l2") + 1]) if "--l2" in flags else 0.0
    return lambda ps: sum(l1 * p.abs().sum() + l2 * (p * p).sum() for p in ps)


def blas_in_use():
    """The BLAS library this process has loaded (after a matrix product)."""
    torch.ones(4, 4, dtype=torch.float64) @ torch.ones(4, dtype=torch.float64)
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(os.path.realpath(p) for p in paths)) or "none found"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gradc", help="the gradc executable (default: build/release/tools/gradc, else build/dev)")
    gradc = find_gradc(parser.parse_args().gradc)
    torch.set_num_threads(1)

    names, x, target, label, source = load_data()
    features = len(names)
    # Parameter names that no column resembles, so gradc takes them as parameters.
    param_names = [f"coef{i}" for i in range(features)] + ["bias"]
    model = " + ".join(f"coef{i}*{name}" for i, name in enumerate(names)) + " + bias"
    print(f"PyTorch {torch.__version__}, float64, {torch.get_num_threads()} thread; BLAS {blas_in_use()}")
    print(f"{source}, features standardized; {EPOCHS} epochs, lr {LEARNING_RATE}, seed {SEED}, parameters from 0")
    print("(networks from gradc's initial weights); hyper-parameters at PyTorch's defaults (momentum 0.9 for")
    print("momentum and nesterov) unless given; schedulers step after every step. Shuffled runs feed PyTorch the")
    print("batches of gradc's --row-order, checked against the documented Fisher-Yates on mt19937_64; their")
    print("losses are the mean of the batches' losses as taken, as gradc reports them without --exact-loss.")
    print("params: max |gradc - PyTorch| / max |PyTorch| over the final parameters; losses: the largest relative")
    print(f"difference of an epoch's training or validation loss. Agree: params within {PARAMS_TOL:g}, losses within "
          f"{LOSSES_TOL:g}\n")
    print(f"{'loss':<5} {'batch':<12} {'settings':<64} {'params':>9} {'losses':>9}  verdict")

    runs = [Run(loss, BATCH, chosen, True, False, 0, 0, EPOCHS) for loss in LOSSES for chosen in DEFAULTS + CHOSEN]
    runs += [Run(loss, 0, chosen, True, False, 0, 0, EPOCHS) for loss in LOSSES for chosen in DEFAULTS]
    runs += [Run(loss, BATCH, chosen, False, True, 0, 0, EPOCHS) for loss in LOSSES for chosen in DEFAULTS[::5]]
    # SGD with momentum overshoots on the held-out rows: early stopping ends the run.
    runs += [Run("mse", BATCH, setting("momentum", DEFAULTS[1].make), True, False, 0.2, 3, 60),
             Run("bce", BATCH, setting("adam", DEFAULTS[5].make), True, True, 0.25, 2, 60)]
    runs += [Run("xent", BATCH, setting("adam", DEFAULTS[5].make), True, False, 0.2, 0, EPOCHS, "8,4")]
    worst_params = worst_losses = 0.0
    failed = False
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        data = write_csv(folder / "train.csv", names + ["target", "label"], [x, target, label])
        write_csv(folder / "net.csv", names + ["label"], [x, label])
        x_all = torch.tensor(data[:, :features])
        columns = {"target": torch.tensor(data[:, features]), "label": torch.tensor(data[:, features + 1])}
        for run in runs:
            column = "label" if run.mlp else LOSSES[run.loss][0]
            if run.mlp:
                result, val_losses, order = gradc_fit(gradc, folder, folder / "net.csv", None, run, column)
                start, _, _ = gradc_fit(gradc, folder, folder / "net.csv", None, run, column, epochs=0)
                net = Mlp([features, *map(int, run.mlp.split(",")), 2], start["params"])
                criterion, y = torch.nn.CrossEntropyLoss(), columns[column].long()
            else:
                result, val_losses, order = gradc_fit(gradc, folder, folder / "train.csv", model, run, column)
                net = Linear(features, param_names)
                criterion, y = LOSSES[run.loss][1](), columns[column]
            expected = expected_row_order(len(y), run.validation, SEED, run.epochs, run.batch, run.shuffle)
            loss, batch, what = describe(run, len(y))
            if order != expected:
                print(f"{loss:<5} {batch:<12} {what:<64} gradc's --row-order is not the documented order  DIFFER")
                failed = True
                continue
            running_mean = run.batch and not run.exact and run.batch < len(order["epochs"][0])
            # gradc's lists are as long as the epochs it was asked for; the ones it ran count.
            order["epochs"] = order["epochs"][:len(result["history"])] if run.patience else order["epochs"]
            history, val_history, kept = torch_fit(net, criterion, penalty_of(run.chosen.flags), run.chosen, x_all, y,
                                                   order, run.batch, running_mean, run.patience)
            names_kept = list(result["params"])
            dp = scaled_difference(np.array([result["params"][n] for n in names_kept]),
                                   np.array([kept[n] for n in names_kept]))
            dl = relative_difference(result["history"], history)
            if run.validation:
                dl = max(dl, relative_difference(val_losses, val_history))
            worst_params, worst_losses = max(worst_params, dp), max(worst_losses, dl)
            agree = dp <= PARAMS_TOL and dl <= LOSSES_TOL
            failed = failed or not agree
            if run.patience:
                what += f" (stopped at {len(result['history'])})"
            print(f"{loss:<5} {batch:<12} {what:<64} {dp:9.1e} {dl:9.1e}  {'agree' if agree else 'DIFFER'}")
    print(f"\nlargest differences: parameters {worst_params:.1e}, losses {worst_losses:.1e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
