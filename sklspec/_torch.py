"""The one torch core of sklspec: devices, seeding, training and inference.

Every estimator that holds a torch module (the embedders of
:mod:`sklspec.embedders` and the fine-tuned models of :mod:`sklspec.finetune`)
stands on the four pieces here, so no other file writes a batched
``torch.no_grad`` loop, a seeding block or a device check:

:func:`resolve_device`
    Turn a ``device`` parameter into a :class:`torch.device`, refusing CUDA
    where there is none.
:func:`derive_seed` and :func:`seeded`
    One integer seed from a scikit-learn ``random_state``, and a context in
    which torch is seeded with it while *every* torch generator (CPU and each
    CUDA device) is restored afterwards.
:func:`train_module`
    Train a module with a skorch ``NeuralNet`` (progress bar, history,
    divergence check: a non-finite loss is an error at its first batch, a
    finite loss that rose or never fell a
    :class:`~sklspec.exceptions.TrainingDivergenceWarning`; a Ctrl-C raises
    rather than ending the fit quietly) on arrays, on a streamed library
    (:mod:`sklspec._stream`, read through :class:`BatchStream`) or on
    generated batches, one per optimiser step (:class:`StepStream`, the
    pretraining of :mod:`sklspec.pretrained`); with a ``checkpoint``
    directory, skorch's ``Checkpoint`` / ``LoadInitState`` resume an
    interrupted run to the very weights of an uninterrupted one
    (torch seeded per epoch by :func:`epoch_seed`, schedules stepped per
    batch resumed by :func:`lr_scheduler`); with ``accelerator``, training
    goes through Hugging Face Accelerate (mixed precision, several GPUs or
    machines).
:func:`predict_iter` and :func:`predict`
    Batched inference in eval mode under ``no_grad``, numpy out (the role of
    skorch's ``NeuralNet.forward_iter``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._stream import BLOCK_ROWS, SpectraSource

__all__ = [
    "BatchStream",
    "StepStream",
    "derive_seed",
    "divergence_message",
    "epoch_seed",
    "lr_scheduler",
    "n_rows",
    "predict",
    "predict_iter",
    "resolve_device",
    "seeded",
    "train_module",
]


# ------------------------------------------------------------------ devices
def resolve_device(device) -> torch.device:
    """Return ``device`` as a :class:`torch.device`, checking it exists here.

    Parameters
    ----------
    device : str or torch.device
        ``"cpu"``, ``"cuda"``, ``"cuda:1"`` ...

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        If the name is no torch device, or CUDA is asked for where it is not
        available (or the index is beyond the GPUs present).

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu' or 'cuda'."
        ) from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available on "
                "this machine; use device='cpu'."
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but this machine has "
                f"{torch.cuda.device_count()} CUDA device(s)."
            )
    elif dev.type not in ("cpu", "mps"):
        raise ValueError(f"device={device!r} is not supported; use 'cpu' or 'cuda'.")
    return dev


def module_device(module: torch.nn.Module) -> torch.device:
    """Device of a module's first parameter or buffer (CPU if it has none)."""
    for tensor in module.parameters():
        return tensor.device
    for tensor in module.buffers():
        return tensor.device
    return torch.device("cpu")


# ----------------------------------------------------------------- seeding
def derive_seed(random_state) -> int:
    """One 31-bit integer seed from a scikit-learn ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None

    Returns
    -------
    seed : int

    Examples
    --------
    >>> derive_seed(0) == derive_seed(0)
    True
    """
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded(seed: int):
    """Seed torch inside the block; restore every torch generator after it.

    :func:`torch.random.fork_rng` with ``devices=[]`` restores only the CPU
    generator, so on a GPU machine the CUDA generators would leak. Here every
    initialised CUDA device is forked too.

    Parameters
    ----------
    seed : int
        Seed for :func:`torch.manual_seed` (which also seeds CUDA).

    Examples
    --------
    >>> before = torch.random.get_rng_state()
    >>> with seeded(0):
    ...     a = torch.rand(1)
    >>> with seeded(0):
    ...     b = torch.rand(1)
    >>> bool(a == b), bool((torch.random.get_rng_state() == before).all())
    (True, True)
    """
    # every CUDA device where CUDA exists: torch.manual_seed also (lazily)
    # seeds CUDA, so forking only initialised devices would leak the seed
    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed))
        yield


# ---------------------------------------------------------------- training
def n_rows(X) -> int:
    """Rows of an array or of a dict of arrays sharing their first axis."""
    # X may be a dict of arrays (skorch passes its keys to forward): count
    # its rows, not its keys
    return len(next(iter(X.values()))) if isinstance(X, dict) else len(X)


def _progress_callbacks(verbose: int, max_epochs: int, initial: int = 0) -> list:
    """skorch callbacks that show training: a tqdm bar over the epochs."""
    if not verbose:
        return []
    from skorch.callbacks import Callback

    class _EpochBar(Callback):
        """One tqdm bar over all epochs with the last loss (and tqdm's ETA)."""

        def on_train_begin(self, net, **kwargs):
            from tqdm.auto import tqdm

            self.bar_ = tqdm(
                total=max_epochs,
                initial=initial,
                desc=type(net.module_).__name__,
                unit="epoch",
            )

        def on_epoch_end(self, net, **kwargs):
            row = net.history[-1]
            shown = {
                k: f"{row[k]:.4g}" for k in ("train_loss", "valid_loss") if k in row
            }
            self.bar_.set_postfix(shown, refresh=False)
            self.bar_.update(1)

        def on_train_end(self, net, **kwargs):
            self.bar_.close()

    return [("epoch_bar", _EpochBar())]


#: Files of a training checkpoint directory (skorch ``Checkpoint`` names),
#: in the order they are moved into place: the history last.
CHECKPOINT_FILES = {
    "f_params": "params.pt",
    "f_optimizer": "optimizer.pt",
    "f_criterion": "criterion.pt",
    "f_history": "history.json",
}
FINGERPRINT_FILE = "fingerprint.json"


def epoch_seed(seed: int, epoch: int) -> int:
    """The torch seed of one epoch: a function of the run's seed and the
    epoch number only, drawn through :class:`numpy.random.SeedSequence` so
    that it shares no stream with the weight initialisation (seeded with
    `seed` itself) or with neighbouring seeds' epochs."""
    state = np.random.SeedSequence([int(seed), int(epoch)]).generate_state(2)
    return int(state[0]) << 32 | int(state[1])


def _epoch_callbacks(seed: int) -> list:
    """Seed torch at every epoch; stop at ``max_epochs`` epochs in all.

    Listed last: on ``on_epoch_begin`` only the history's new row comes
    before (so the seed is set before any batch is drawn), and the stop
    comes after every other callback has seen the last epoch (a checkpoint
    included).
    """
    from skorch.callbacks import Callback

    class _EpochSeed(Callback):
        """Torch seeded per epoch (:func:`epoch_seed`): an epoch's batches, masks and
        dropout depend on its number only (so a resumed run repeats them);
        and training ends once the history holds ``max_epochs`` epochs (a
        resumed run continues to that total, not for ``max_epochs`` more)."""

        def on_epoch_begin(self, net, **kwargs):
            torch.manual_seed(epoch_seed(seed, len(net.history)))

        def on_epoch_end(self, net, **kwargs):
            if len(net.history) >= net.max_epochs:
                raise KeyboardInterrupt  # skorch's way to end fit cleanly

    return [("epoch_seed", _EpochSeed())]


def lr_scheduler(policy, *, step_every: str = "epoch", **kwargs):
    """A skorch :class:`~skorch.callbacks.LRScheduler` that resumes exactly.

    skorch rebuilds the scheduler at the start of every ``fit`` with
    ``last_epoch = len(history) - 1``, the epochs done; a schedule stepped
    every batch (warm-up, cosine decay) then restarts near its beginning
    after a resume. This one passes the batches done instead, so a run
    resumed from a checkpoint follows the schedule of an uninterrupted run.

    Parameters
    ----------
    policy : torch LR scheduler class
        E.g. :class:`torch.optim.lr_scheduler.LambdaLR`.
    step_every : {"epoch", "batch"}, default="epoch"
        When the scheduler steps.
    **kwargs
        The scheduler's parameters (``lr_lambda`` ...).

    Returns
    -------
    callback : skorch.callbacks.LRScheduler
    """
    from skorch.callbacks import LRScheduler

    class _ResumableLRScheduler(LRScheduler):
        def _get_scheduler(self, net, policy, **scheduler_kwargs):
            if self.step_every == "batch" and len(net.history) > 0:
                scheduler_kwargs.setdefault("last_epoch", self.batch_idx_ - 1)
            return super()._get_scheduler(net, policy, **scheduler_kwargs)

    return _ResumableLRScheduler(policy=policy, step_every=step_every, **kwargs)


def _silent(*args, **kwargs) -> None:
    """A print log sink that prints nothing."""


def _accelerated_net(accelerator) -> tuple[type, dict]:
    """skorch's ``AccelerateMixin`` net and its ``Accelerator``."""
    try:
        from accelerate import Accelerator
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise ImportError(
            "accelerator= needs Hugging Face Accelerate: pip install "
            '"sklspec[accelerate]".'
        ) from exc
    from skorch import NeuralNet
    from skorch.hf import AccelerateMixin

    class AcceleratedNet(AccelerateMixin, NeuralNet):
        """skorch ``NeuralNet`` trained through Accelerate."""

        def _initialize_accelerator(self):
            # A criterion without trainable parameters is only moved to the
            # device: wrapped in DistributedDataParallel (as the mixin does
            # with every criterion module) torch refuses it.
            plain = {}
            for name in self._criteria:
                criterion = getattr(self, name + "_")
                if isinstance(criterion, torch.nn.Module) and not any(
                    p.requires_grad for p in criterion.parameters()
                ):
                    plain[name] = criterion.to(self.accelerator.device)
                    setattr(self, name + "_", None)
            try:
                return super()._initialize_accelerator()
            finally:
                for name, criterion in plain.items():
                    setattr(self, name + "_", criterion)

    options = {} if accelerator is True else dict(accelerator)
    return AcceleratedNet, {"accelerator": Accelerator(**options)}


def _differences(saved: dict, wanted: dict, prefix: str = "") -> list[str]:
    """Keys (nested ones dotted) whose values differ between two dicts."""
    out = []
    for key in sorted(set(saved) | set(wanted)):
        a, b = saved.get(key), wanted.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            out.append(f"{prefix}{key}")
    return out


def _resume_callbacks(checkpoint, fingerprint) -> tuple[list, int]:
    """skorch ``Checkpoint`` + ``LoadInitState`` callbacks, and epochs done."""
    if checkpoint is None:
        return [], 0
    import json

    from skorch.callbacks import Checkpoint, LoadInitState

    directory = Path(checkpoint)
    if directory.is_file():
        raise ValueError(
            f"checkpoint must be a directory (skorch's Checkpoint files); "
            f"{str(directory)!r} is a file (the single-file checkpoints of "
            "sklspec 0.1's pretrain cannot be continued). Pass a new directory."
        )
    directory.mkdir(parents=True, exist_ok=True)
    mark = directory / FINGERPRINT_FILE
    history = directory / CHECKPOINT_FILES["f_history"]
    wanted = json.loads(json.dumps(fingerprint or {}, default=str))
    done = 0
    if history.is_file():
        saved = json.loads(mark.read_text()) if mark.is_file() else None
        if saved != wanted:
            changed = _differences(saved or {}, wanted)
            raise ValueError(
                f"The checkpoint in {str(directory)!r} belongs to another run "
                f"(it differs in: {', '.join(changed) or 'its fingerprint'}), "
                "so it cannot be continued. Use another checkpoint directory, "
                "or delete this one to start over."
            )
        done = len(json.loads(history.read_text()))
    else:
        mark.write_text(json.dumps(wanted, indent=1, sort_keys=True))

    class _StagedCheckpoint(Checkpoint):
        """skorch's Checkpoint, written into a staging folder first and then
        moved into place file by file, the history last: a run killed while
        saving leaves the previous complete checkpoint (its history still
        counts the epochs its weights have)."""

        def save_model(self, net):
            accelerator = getattr(net, "accelerator", None)
            if accelerator is not None and not accelerator.is_main_process:
                return  # one writer: the processes hold the same weights
            final = Path(self.dirname)
            staging = final / ".saving"
            staging.mkdir(exist_ok=True)
            self.dirname = str(staging)
            try:
                super().save_model(net)
            finally:
                self.dirname = str(final)
            for name in CHECKPOINT_FILES.values():  # the history is last
                os.replace(staging / name, final / name)

    cp = _StagedCheckpoint(
        dirname=str(directory), monitor=None, load_best=False, **CHECKPOINT_FILES
    )
    return [("checkpoint", cp), ("load_init_state", LoadInitState(cp))], done


class BatchStream(torch.utils.data.IterableDataset):
    """The torch dataset of a streaming fit: fresh batches every epoch.

    Every pass draws a seed from torch's default generator, so the block
    order, the shuffle of the rows and everything `make_batch` draws depend
    on torch's state when the pass starts (seeded per epoch by
    :func:`sklspec._torch.train_module`: a resumed run sees the same batches
    as an uninterrupted one).

    Parameters
    ----------
    source : SpectraSource
        The library.
    rows_per_batch : int
        Spectra per batch.
    make_batch : callable
        ``make_batch(rows, rng) -> (X_batch, y_batch)`` of torch tensors (or
        a dict of tensors for ``X_batch``): the training data of one batch.
    preprocess : callable or None
        Applied to every block first (e.g. the canonical grid).
    shuffle : bool, default=True
        Random block order and rows shuffled in a buffer of
        :data:`sklspec._stream.BLOCK_ROWS` rows.
    min_rows : int, default=2
        A last batch with fewer spectra is dropped (BatchNorm cannot train
        on one).
    """

    def __init__(
        self,
        source: SpectraSource,
        *,
        rows_per_batch: int,
        make_batch: Callable,
        preprocess: Callable | None = None,
        shuffle: bool = True,
        min_rows: int = 2,
    ):
        super().__init__()
        self.source = source
        self.rows_per_batch = int(rows_per_batch)
        self.make_batch = make_batch
        self.preprocess = preprocess
        self.shuffle = shuffle
        self.min_rows = min_rows

    def n_batches(self, n_rows: int) -> int:
        """Batches of one pass over `n_rows` spectra (the same in every pass).

        Only a last short batch (fewer than `min_rows`) may be dropped, so
        the count does not depend on the shuffle.
        """
        full, rest = divmod(n_rows, self.rows_per_batch)
        return full + (1 if rest >= self.min_rows else 0)

    def __iter__(self):
        seed = int(torch.randint(0, 2**62, ()).item())
        rng = np.random.default_rng(seed)
        r = self.rows_per_batch
        buffer: list[np.ndarray] = []
        held = 0
        for block in self.source.blocks(rng if self.shuffle else None):
            if self.preprocess is not None:
                block = self.preprocess(block)
            buffer.append(block)
            held += len(block)
            if held < BLOCK_ROWS:
                continue
            rows = np.concatenate(buffer)
            if self.shuffle:
                rows = rows[rng.permutation(len(rows))]
            n_full = len(rows) // r
            for i in range(n_full):
                yield self.make_batch(rows[i * r : (i + 1) * r], rng)
            buffer, held = [rows[n_full * r :]], len(rows) - n_full * r
        rows = np.concatenate(buffer) if buffer else np.zeros((0, 0), np.float32)
        if self.shuffle and len(rows):
            rows = rows[rng.permutation(len(rows))]
        for i in range(0, len(rows), r):
            chunk = rows[i : i + r]
            if len(chunk) >= self.min_rows:
                yield self.make_batch(chunk, rng)


def plain_batch(rows: np.ndarray, rng) -> tuple:
    """Default ``make_batch``: the spectra, and a placeholder target."""
    x = torch.from_numpy(np.ascontiguousarray(rows, dtype=np.float32))
    return x, torch.zeros(len(rows))


class StepStream(torch.utils.data.IterableDataset):
    """Generated batches for :func:`train_module`: one per optimiser step.

    ``batch_at(step)`` gives the keyword inputs of the module (a dict of
    arrays sharing their first axis) for step ``step``, deterministically.
    An epoch is `steps_per_epoch` steps (the last one may be shorter), so
    :func:`train_module` runs ``ceil(n_steps / steps_per_epoch)`` epochs and
    a `checkpoint` is written every `steps_per_epoch` steps. Torch is seeded
    with ``seed + step`` right before each batch goes through the module:
    masks and dropout depend on the step's number only, so neither the
    epoch length nor a resume changes what is trained.

    Parameters
    ----------
    batch_at : callable
        ``batch_at(step) -> dict`` of inputs.
    n_steps : int
        Optimiser steps in all.
    steps_per_epoch : int
        Steps per epoch (and between checkpoints).
    seed : int
        Base of the per-step torch seeds.
    rows_per_step : int, default=0
        Rows one step puts through the network, for the history's
        ``passes``.

    Notes
    -----
    :func:`train_module` adds a callback that points the stream at the
    epoch beginning (``epoch``, from the history's length, so a resumed
    run continues at the right step) and records ``step`` and ``passes``
    done by the epoch's end in its history row.
    """

    def __init__(self, batch_at, *, n_steps, steps_per_epoch, seed, rows_per_step=0):
        super().__init__()
        self.batch_at = batch_at
        self.n_steps = int(n_steps)
        self.steps_per_epoch = max(1, int(steps_per_epoch))
        self.seed = int(seed)
        self.rows_per_step = int(rows_per_step)
        self.epoch = 0

    @property
    def n_epochs(self) -> int:
        """Epochs that make `n_steps`."""
        return -(-self.n_steps // self.steps_per_epoch)

    def __iter__(self):
        start = self.epoch * self.steps_per_epoch
        for step in range(start, min(start + self.steps_per_epoch, self.n_steps)):
            inputs = self.batch_at(step)
            torch.manual_seed(self.seed + step)
            yield inputs, torch.zeros(n_rows(inputs))  # a placeholder target

    def callback(self):
        """The skorch callback that keeps the stream at the current epoch."""
        from skorch.callbacks import Callback

        stream = self

        class _Steps(Callback):
            def on_epoch_begin(self, net, **kwargs):
                stream.epoch = len(net.history) - 1  # skorch's new row is there
                done = min((stream.epoch + 1) * stream.steps_per_epoch, stream.n_steps)
                net.history.record("step", done)  # before a checkpoint saves it
                net.history.record("passes", done * stream.rows_per_step)

        return ("steps", _Steps())


def _diverged(name: str) -> FloatingPointError:
    return FloatingPointError(
        f"training of {name} diverged (non-finite loss); "
        "lower lr or standardise the spectra (e.g. SNV) first."
    )


def _finite_loss():
    """A skorch callback that stops training at the first non-finite batch
    loss (rather than finishing the epochs on NaN weights)."""
    from skorch.callbacks import Callback

    class _FiniteLoss(Callback):
        def on_batch_end(self, net, batch=None, training=False, loss=None, **kw):
            if training and loss is not None and not torch.isfinite(loss).all():
                raise _diverged(type(net.module_).__name__)

    return ("finite_loss", _FiniteLoss())


@contextlib.contextmanager
def _sigint_flag():
    """Within: a Ctrl-C (SIGINT) is recorded in the yielded list, then
    handled as before (the default handler raises KeyboardInterrupt).

    Only in the main thread (the only one that may set signal handlers) and
    only where SIGINT has a Python handler; elsewhere the list stays empty.
    """
    import signal
    import threading

    flag: list = []
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield flag
        return

    def handler(signum, frame):
        flag.append(signum)
        previous(signum, frame)  # the default handler raises here
        flag.pop()  # a handler of the caller's that did not interrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def train_module(
    module: torch.nn.Module,
    X,
    y,
    *,
    criterion,
    lr: float,
    max_epochs: int,
    batch_size: int,
    device,
    seed: int,
    verbose: int = 0,
    callbacks=None,
    optimizer=torch.optim.Adam,
    train_split=None,
    on_divergence: str = "warn",
    checkpoint=None,
    fingerprint: dict | None = None,
    accelerator=None,
    **net_kwargs,
):
    """Train ``module`` on ``(X, y)`` with a skorch ``NeuralNet``.

    Parameters
    ----------
    module : torch.nn.Module
        The initialised module (trained in place).
    X : ndarray, dict of ndarray or torch IterableDataset
        Inputs (float32); a dict's arrays share their first axis and are
        passed to ``module.forward`` by keyword. An ``IterableDataset``
        (:class:`BatchStream`) yields whole batches
        ``(X_batch, y_batch)``; it is read anew every epoch. A
        :class:`StepStream` yields generated batches, one per optimiser step.
    y : ndarray or None
        Targets handed to ``criterion`` (None for losses computed from X only).
    criterion : torch.nn.Module class or instance
        skorch criterion.
    lr, max_epochs, batch_size : float, int, int
        Optimiser learning rate, epochs, mini-batch size.
    device : str or torch.device
        Torch device (checked with :func:`resolve_device`).
    seed : int
        Seeds shuffling, dropout and anything random during training, inside
        :func:`seeded`, so every global torch generator is untouched.
    verbose : int
        0 silent; 1 a progress bar over the epochs with the loss and the
        time left; 2 also one line per epoch and a bar over the batches.
    callbacks : list or None
        Extra skorch callbacks.
    optimizer : torch optimizer class
        Default Adam.
    train_split : callable or None
        skorch ``train_split`` (None: train on everything).
    on_divergence : {"warn", "raise", "ignore"}, default="warn"
        What to do when training diverged with a finite loss (see Notes):
        issue a :class:`~sklspec.exceptions.TrainingDivergenceWarning`, raise
        a :class:`~sklspec.exceptions.TrainingDivergenceError`, or nothing.
        The estimators keep the default; their users make the warning an
        error with :func:`warnings.simplefilter`.
    checkpoint : path-like or None, default=None
        Directory of a skorch :class:`~skorch.callbacks.Checkpoint` written
        after every epoch (module, optimiser, criterion, history). When it
        already holds a checkpoint of the same `fingerprint`, skorch's
        :class:`~skorch.callbacks.LoadInitState` restores it and training
        continues from the next epoch up to `max_epochs` in all; a finished
        checkpoint is only loaded. Torch is seeded anew at every epoch from
        `seed` and the epoch number (:func:`epoch_seed`), so a resumed run
        ends with the same weights as an uninterrupted one.
    fingerprint : dict or None, default=None
        What the run is (estimator, parameters, data shape), stored beside
        the checkpoint; a checkpoint of another fingerprint is refused
        rather than continued.
    accelerator : bool, dict or None, default=None
        Train through Hugging Face Accelerate (skorch's
        :class:`~skorch.hf.AccelerateMixin`): True for ``Accelerator()``, a
        dict for ``Accelerator(**dict)`` (e.g. ``{"mixed_precision":
        "bf16"}``). Under ``accelerate launch`` the processes share the
        batches (data parallel, gradients averaged across them); device
        placement is then Accelerate's and `device` is ignored. Only the
        main process writes the checkpoint.
    **net_kwargs
        More ``NeuralNet`` parameters (``optimizer__weight_decay`` ...).

    Returns
    -------
    module : torch.nn.Module
        The trained module.
    history : list of dict
        One dict per epoch (``epoch``, ``train_loss``, ``dur``, and
        ``valid_loss`` when a validation split is used).

    Raises
    ------
    ValueError
        If `checkpoint` is a file, or holds the checkpoint of another
        `fingerprint`.
    FloatingPointError
        At the first non-finite mini-batch loss.
    TrainingDivergenceError
        If training diverged and ``on_divergence="raise"``.
    KeyboardInterrupt
        If training was interrupted (Ctrl-C): skorch itself would end the fit
        quietly and return the half-trained module. With a `checkpoint`, the
        epochs completed before it are kept and the same call resumes.

    Notes
    -----
    The reference of the divergence check is the loss of the first
    mini-batch, computed at the initial weights. Training counts as
    diverged, although every loss is finite, when (a) the last epoch's loss
    is more than 10 times that initial loss, (b) some batch's loss rose more
    than 100-fold above it (even if it came down again: the weights went
    through an explosion), or (c) after
    5 epochs or more the last epoch's loss is not below it. See
    :func:`divergence_message`.
    """
    from skorch import NeuralNet
    from skorch.callbacks import PrintLog, ProgressBar

    steps = [X.callback()] if isinstance(X, StepStream) else []
    if isinstance(X, torch.utils.data.IterableDataset):
        # whole batches come from the stream, shuffled by it
        iterator = {"iterator_train__batch_size": None}
    else:
        n = n_rows(X)
        batch_size = min(batch_size, n)
        # BatchNorm cannot train on a batch of one sample: drop such a last batch.
        iterator = {
            "iterator_train__shuffle": True,
            "iterator_train__drop_last": n > batch_size and n % batch_size == 1,
        }
    resume, done = _resume_callbacks(checkpoint, fingerprint)
    extra = [*_progress_callbacks(verbose, max_epochs, initial=done), _finite_loss()]
    if verbose >= 2:
        extra.append(("batch_bar", ProgressBar()))
    net_cls, placement = NeuralNet, {"device": str(resolve_device(device))}
    if accelerator is not None and accelerator is not False:
        net_cls, placement = _accelerated_net(accelerator)
    net = net_cls(
        module=module,
        criterion=criterion,
        optimizer=optimizer,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        train_split=train_split,
        # the resume callbacks first: LoadInitState must restore the history
        # before an LRScheduler reads it
        callbacks=[
            *resume,
            *steps,  # before a checkpoint: the steps go into its history
            *extra,
            *(callbacks or []),
            *_epoch_callbacks(seed),
        ],
        verbose=int(verbose),
        **placement,
        **iterator,
        **net_kwargs,
    )
    if verbose >= 2:
        net.set_params(callbacks__print_log=PrintLog(keys_ignored=("batches",)))
    elif "accelerator" in placement:  # its mixin sets the print log's sink
        net.set_params(callbacks__print_log__sink=_silent)
    else:
        net.set_params(callbacks__print_log=None)
    with seeded(seed), _sigint_flag() as interrupted:
        net.initialize()
        if done >= max_epochs:  # a finished run: load it, train nothing
            net.load_params(checkpoint=dict(resume)["checkpoint"])
        else:
            net.partial_fit(X, y)  # initialised above: fit would redo it
    if interrupted:
        # skorch's fit loop swallows KeyboardInterrupt (it is also how
        # callbacks end training); a Ctrl-C must not return a half-trained
        # module as if it were done
        kept = (
            f"the checkpoint in {str(checkpoint)!r} holds the epochs completed "
            "before it; run the same call again to resume from them"
            if checkpoint is not None
            else "pass checkpoint=<directory> to be able to resume an interrupted run"
        )
        raise KeyboardInterrupt(
            f"training of {type(module).__name__} was interrupted (Ctrl-C); {kept}."
        )
    if "accelerator" in placement:
        net.accelerator.wait_for_everyone()
    history = [{k: v for k, v in row.items() if k != "batches"} for row in net.history]
    losses = [row.get("train_loss", 0.0) for row in history]
    if not np.all(np.isfinite(losses)):
        raise _diverged(type(module).__name__)
    _check_divergence(
        divergence_message(
            net.history, lr=lr, name=type(module).__name__, criterion=criterion
        ),
        on_divergence,
    )
    return net.module_, history


#: Rules of the divergence check of :func:`train_module` (see its Notes).
DIVERGENCE_RISE = 10.0
DIVERGENCE_PEAK = 100.0
DIVERGENCE_MIN_EPOCHS = 5


def _loss_name(criterion) -> str:
    if criterion is None:
        return "loss"
    cls = criterion if isinstance(criterion, type) else type(criterion)
    return cls.__name__


def divergence_message(history, *, lr: float, name: str, criterion=None):
    """Why a finite training history counts as diverged, or None.

    Parameters
    ----------
    history : sequence of dict
        skorch history rows (``train_loss``, and ``batches`` with the
        per-batch ``train_loss``) or plain ``{"train_loss": ...}`` rows.
    lr : float
        The learning rate, named in the message.
    name : str
        What was trained (the module's class name).
    criterion : optional
        The loss, named in the message.

    Returns
    -------
    message : str or None
        The diagnosis (epoch, losses, learning rate and the fix), or None
        when the history looks like ordinary training.

    Examples
    --------
    >>> rows = [{"train_loss": v} for v in (1.0, 0.5, 0.2)]
    >>> divergence_message(rows, lr=1e-3, name="Net") is None
    True
    >>> rows = [{"train_loss": v} for v in (1.0, 30.0, 5e4)]
    >>> divergence_message(rows, lr=10.0, name="Net")[:56]
    'training of Net diverged at lr=10: the loss rose from 1 '
    """
    rows = [row for row in history if "train_loss" in row]
    epochs = [float(row["train_loss"]) for row in rows]
    if not epochs or not np.all(np.isfinite(epochs)):
        return None
    # per epoch: its batch losses (an epoch's own mean where none are kept)
    batch_losses = [
        [float(b["train_loss"]) for b in row.get("batches", ()) if "train_loss" in b]
        or [float(row["train_loss"])]
        for row in rows
    ]
    batches = [v for epoch in batch_losses for v in epoch]
    initial = batches[0]
    final = epochs[-1]
    fix = (
        "the embeddings or predictions are likely meaningless; lower lr "
        f"(e.g. lr={lr / 10:g}) or standardise the spectra (e.g. SNV) first."
    )
    head = f"training of {name} diverged at lr={lr:g}: the {_loss_name(criterion)}"
    if initial > 0 and final > DIVERGENCE_RISE * initial:
        epoch = next(
            i + 1 for i, v in enumerate(epochs) if v > DIVERGENCE_RISE * initial
        )
        return (
            f"{head} rose from {initial:.4g} at the initial weights to "
            f"{final:.4g} after {len(epochs)} epoch(s) (above "
            f"{DIVERGENCE_RISE:g}x from epoch {epoch} on); {fix}"
        )
    peaks = [max(epoch) for epoch in batch_losses]
    peak = max(peaks)
    if initial > 0 and peak > DIVERGENCE_PEAK * initial:
        epoch = peaks.index(peak) + 1
        return (
            f"{head} exploded from {initial:.4g} at the initial weights to "
            f"{peak:.4g} in epoch {epoch} (ended at {final:.4g} after "
            f"{len(epochs)} epoch(s)); {fix}"
        )
    if len(epochs) >= DIVERGENCE_MIN_EPOCHS and final >= initial:
        return (
            f"{head} did not fall: {initial:.4g} at the initial weights, "
            f"{final:.4g} after {len(epochs)} epochs; {fix}"
        )
    return None


def _check_divergence(message, on_divergence: str) -> None:
    """Warn, raise or do nothing about a divergence ``message``."""
    import warnings

    from .exceptions import TrainingDivergenceError, TrainingDivergenceWarning

    if on_divergence not in ("warn", "raise", "ignore"):
        raise ValueError(
            f"on_divergence must be 'warn', 'raise' or 'ignore', got {on_divergence!r}."
        )
    if message is None or on_divergence == "ignore":
        return
    if on_divergence == "raise":
        raise TrainingDivergenceError(message)
    warnings.warn(message, TrainingDivergenceWarning, stacklevel=3)


def _warmup_cosine(step: int, warmup: int, total: int) -> float:
    """Learning-rate factor: linear warm-up, then cosine decay to 0."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + float(np.cos(np.pi * min(1.0, progress))))


def predict_iter(
    module: torch.nn.Module,
    X: np.ndarray,
    fn: Callable[[torch.Tensor], torch.Tensor] | None = None,
    *,
    batch_size: int = 256,
) -> Iterator[np.ndarray]:
    """Yield ``fn(batch)`` as numpy for consecutive batches of ``X``.

    The module is put in eval mode for the loop (its mode is restored
    after), gradients are off, and each batch goes to the module's device as
    float32.

    Parameters
    ----------
    module : torch.nn.Module
        The module (its device is that of its first parameter or buffer).
    X : ndarray of shape (n_samples, ...)
        Inputs.
    fn : callable or None, default=None
        Maps a float32 tensor batch to an output tensor (e.g.
        ``module.embed``); None calls ``module`` itself.
    batch_size : int, default=256
        Rows per batch.

    Yields
    ------
    out : ndarray
        ``fn`` of each batch, on the CPU.
    """
    fn = module if fn is None else fn
    device = module_device(module)
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(X), int(batch_size)):
                xb = torch.as_tensor(
                    np.ascontiguousarray(X[start : start + batch_size]),
                    dtype=torch.float32,
                ).to(device)
                yield fn(xb).detach().cpu().numpy()
    finally:
        module.train(was_training)


def predict(
    module: torch.nn.Module,
    X: np.ndarray,
    fn: Callable[[torch.Tensor], torch.Tensor] | None = None,
    *,
    batch_size: int = 256,
) -> np.ndarray:
    """Concatenate :func:`predict_iter` over ``X``.

    Parameters
    ----------
    module, X, fn, batch_size
        As in :func:`predict_iter`.

    Returns
    -------
    out : ndarray of shape (n_samples, ...)
        float32. An empty ``X`` gives an empty array of the right width
        (``fn`` is run on one zero row to learn it).

    Examples
    --------
    >>> net = torch.nn.Linear(3, 2)
    >>> predict(net, np.ones((5, 3)), batch_size=2).shape
    (5, 2)
    >>> predict(net, np.ones((0, 3))).shape
    (0, 2)
    """
    X = np.asarray(X)
    if len(X) == 0:
        probe = np.zeros((1, *X.shape[1:]), dtype=np.float32)
        return next(predict_iter(module, probe, fn, batch_size=1))[:0]
    return np.concatenate(list(predict_iter(module, X, fn, batch_size=batch_size)))
