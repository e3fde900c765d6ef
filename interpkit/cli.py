"""Command line: ``interpkit demo`` and ``interpkit explain``.

Both write one self-contained HTML report (see :func:`interpkit.report.linear_report`)
and print its path as the last line of stdout. Bad input ends with one line
``interpkit: error: <message>`` on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from interpkit.cli_data import MIN_TRAIN_ROWS

__all__ = ["main"]

PROG = "interpkit"


from interpkit.cli_data import UsageError  # noqa: E402  (one class for every module)


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _nonnegative_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _n_boot(text: str) -> int:
    value = _positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(f"needs at least 2 replicates, got {value}")
    return value


def _n_jobs(text: str) -> int:
    value = _whole_number(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must not be 0 (1 = one worker, -1 = all cores)")
    return value


def _alpha(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 (ridge) and 1 (lasso), got {value}")
    return value


def _methods(text: str) -> list[str]:
    from interpkit.report.methods import METHODS

    names = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in names if m not in METHODS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"invalid choice: {(unknown or [text])[0]!r} (choose from {', '.join(METHODS)})"
        )
    return names


def _add_common(sub: argparse.ArgumentParser, default_out: str) -> None:
    sub.add_argument(
        "--out",
        default=default_out,
        metavar="PATH",
        help=f"HTML report to write (default: {default_out} in the current directory)",
    )
    sub.add_argument(
        "--n-boot",
        type=_n_boot,
        default=None,
        metavar="N",
        help="bootstrap replicates per method (default: 100 for lasso/ridge/enet only, else 20)",
    )
    sub.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="parallel workers for the bootstrap (default: all cores; 1 = no parallelism, "
        "-2 = all but one); the results do not depend on it",
    )
    sub.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="seed for the hold-out split, CV folds and bootstrap (default: 0)",
    )
    sub.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bars (they are shown by default on a terminal)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``interpkit`` argument parser."""
    from interpkit import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Explain models (lasso, ridge, elastic net, random forests, SHAP, EBMs), how "
            "stable each explanation is under bootstrap resampling, and whether the "
            "methods agree, as one offline HTML report."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    subs.required = True

    demo = subs.add_parser(
        "demo",
        help="lasso vs ridge on the prostate cancer data",
        description=(
            "Lasso vs ridge on the prostate cancer data (Stamey et al. 1989): 20 rows held "
            "out, λ by 10-fold CV, bootstrap stability of coefficients and predictions."
        ),
    )
    _add_common(demo, "interpkit-demo.html")

    from interpkit.cli_defaults import cost_help

    explain = subs.add_parser(
        "explain",
        help="the same report for your own CSV file",
        epilog=cost_help(),
        description=(
            "The demo's report for your own CSV: every column except --target (and "
            "--drop) is a feature (text columns are one-hot encoded for you); a numeric "
            "target is a regression, class labels (two or more classes, text or few "
            "distinct integers) a classification. With "
            "several methods the report compares what they say matters, with intervals."
        ),
    )
    explain.add_argument("--data", required=True, metavar="FILE.csv", help="CSV file with a header")
    explain.add_argument("--target", required=True, metavar="COL", help="column to predict")
    explain.add_argument(
        "--method",
        action="append",
        type=_methods,
        metavar="M[,M...]",
        help="methods to fit and compare, comma-separated or repeated: lasso, ridge, enet, "
        "mdi-rf, permutation-rf, shap-rf, ebm (default: lasso,ridge)",
    )
    explain.add_argument(
        "--alpha",
        type=_alpha,
        default=None,
        metavar="A",
        help="elastic-net mixing for --method enet, 0 = ridge .. 1 = lasso (default: 0.5)",
    )
    explain.add_argument(
        "--holdout",
        type=_nonnegative_int,
        default=None,
        metavar="N",
        help="rows held out to check predictions (default: 20%% of the rows; 0 for none)",
    )
    explain.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COL",
        help="a column to leave out (repeatable), e.g. an ID column",
    )
    _add_common(explain, "interpkit-report.html")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors (already printed)
        return int(stop.code or 0)
    try:
        if args.command == "demo":
            path = _demo(args)
        else:
            path = _explain(args)
    except (UsageError, ValueError, TypeError, ImportError) as err:
        return _fail(str(err))
    except OSError as err:  # unreadable input, unwritable --out
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        return _fail(f"cannot access{where}: {err.strerror or err}")
    print(path.resolve())  # absolute, so it can be opened from anywhere
    return 0


def _fail(message: str) -> int:
    message = " ".join(str(message).split()) or "failed"
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def _progress(args: argparse.Namespace) -> bool | None:
    return False if args.no_progress else None  # None: on when stderr is a terminal


def _jobs(args: argparse.Namespace) -> int:
    from interpkit.cli_defaults import DEFAULT_N_JOBS

    return DEFAULT_N_JOBS if args.n_jobs is None else args.n_jobs


def _check_out(out: str) -> Path:
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"--out {out} is a directory; give a file name such as report.html")
    if not path.parent.exists():
        raise UsageError(f"--out {out}: directory {path.parent} does not exist")
    return path


def _demo(args: argparse.Namespace) -> Path:
    from interpkit.datasets import load_prostate
    from interpkit.report import linear_report

    out = _check_out(args.out)
    X, y = load_prostate(return_X_y=True)
    n_boot = args.n_boot or 100
    report = linear_report(
        X,
        y,
        methods=("lasso", "ridge"),
        holdout=20,
        n_boot=n_boot,
        seed=args.seed,
        n_jobs=_jobs(args),
        progress=_progress(args),
        title="interpkit demo: lasso vs ridge on the prostate cancer data",
        intro=(
            "The prostate cancer data (Stamey et al. 1989, as in The Elements of Statistical "
            "Learning): log prostate-specific antigen (lpsa) and eight clinical measures of "
            "97 men. We ask which measures predict lpsa, and how far to trust the answer. "
            f"20 men are held out at random (seed {args.seed}) to check predictions; lasso "
            "and ridge regression are fit on the other 77 with the penalty λ chosen by "
            "10-fold cross-validation. The whole fit, choosing λ included, is then repeated "
            f"on {n_boot} bootstrap resamples to see which conclusions survive."
        ),
    )
    return report.write(out)


def _explain(args: argparse.Namespace) -> Path:
    from interpkit.report import analysis_report, linear_report
    from interpkit.report.analysis import LINEAR
    from interpkit.report.methods import check_methods

    methods = list(dict.fromkeys(m for group in args.method or [] for m in group))
    methods = methods or ["lasso", "ridge"]
    check_methods(methods)  # every missing extra in one error, before the data are read
    if args.alpha is not None and "enet" not in methods:
        raise UsageError("--alpha only applies to --method enet")
    out = _check_out(args.out)
    from interpkit.cli_data import classifier_params, read_table

    table = read_table(args.data, args.target, drop=args.drop)
    X, y = table.X, table.y
    n = len(X)
    holdout = args.holdout
    if holdout is None:
        holdout = max(0, min(round(0.2 * n), n - MIN_TRAIN_ROWS))
    if n - holdout < MIN_TRAIN_ROWS:
        raise UsageError(
            f"too few rows: {args.data} has {n} rows; after holding out {holdout} there are "
            f"{n - holdout}, and fitting with 10-fold CV needs at least {MIN_TRAIN_ROWS}"
        )
    if table.task == "multiclass":
        from interpkit.cli_data import check_training_classes
        from interpkit.report.linear import _split

        check_training_classes(_split(X, y, holdout, args.seed)[1], holdout, args.target)
    for note in table.notes:  # after the checks: a refusal is one line
        print(f"{PROG}: note: {' '.join(note.split())}", file=sys.stderr)
    linear_only = set(methods) <= set(LINEAR) and table.task == "regression"
    build = linear_report if linear_only else analysis_report
    sized = {} if linear_only else {"method_params": _sized_params(methods, X.shape)}
    if table.task in ("binary", "multiclass"):
        params = sized["method_params"]
        for m in methods:
            extra = classifier_params(m, params.get(m, {}), table.task)
            params[m] = {**params.get(m, {}), **extra}
    report = build(
        X,
        y,
        **sized,
        methods=methods,
        alpha=0.5 if args.alpha is None else args.alpha,
        holdout=holdout,
        n_boot=args.n_boot or (100 if linear_only else 20),
        seed=args.seed,
        n_jobs=_jobs(args),
        progress=_progress(args),
        title=f"{Path(args.data).name}: what drives {args.target}, and how stable is it?",
    )
    if table.notes:
        report.add_heading("How the data were read")
        report.add_list(table.notes)
    return report.write(out)


def _sized_params(methods: list[str], shape: tuple[int, int]) -> dict[str, dict]:
    """Per-method defaults for the table size (see :mod:`interpkit.cli_defaults`)."""
    from interpkit.cli_defaults import method_params

    return {m: method_params(m, *shape) for m in methods}


def load_csv(path: str, target: str, *, drop: Sequence[str] = ()) -> tuple:
    """Read a CSV into numeric features and target, or raise UsageError in the user's terms.

    See :func:`interpkit.cli_data.read_table` (text columns one-hot encoded,
    a pandas index column dropped, a two-class target coded 0/1).

    Returns
    -------
    (X, y) : DataFrame, Series
    """
    from interpkit.cli_data import read_table

    table = read_table(path, target, drop=drop)
    return table.X, table.y
