"""MNIST and Fashion-MNIST: find the four IDX files locally or download them.

Where the files are looked for, in order (the first folder holding all four wins):
``root`` and ``root/<name>`` when ``root`` is given, ``$TENSORGRAPH_DATA/<name>``,
``~/.cache/tensorgraph/<name>``, and for Fashion-MNIST ``/usr/share/datasets/fashion-mnist``
(Debian's ``dataset-fashion-mnist``). ``<name>`` is ``mnist`` or ``fashion-mnist``. Each
file may be gzip-compressed (``.gz``) or raw. Local files are trusted as they are (not
checksummed: ``../shared/data/mnist`` is a 10,000-image training subset); downloads are
sha256-verified against the official files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..tensor import Tensor
from .dataset import Dataset
from .download import download_verified
from .idx import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, read_idx

__all__ = ["MIRRORS", "MNIST", "SHA256", "DatasetNotFoundError", "FashionMNIST"]

# The four standard files; the split name maps to (images, labels).
FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_SPLITS = {True: FILES[:2], False: FILES[2:]}

# Base URLs, tried in order. Overridable here (tests point them at a local server) or
# with $TENSORGRAPH_MNIST_MIRRORS / $TENSORGRAPH_FASHION_MNIST_MIRRORS (space/comma separated).
MIRRORS: dict[str, list[str]] = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ],
    "fashion-mnist": [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ],
}

# sha256 of the official gzip files (the MNIST ones match the md5s torchvision lists; the
# two MNIST test files were also checked byte for byte against ../shared/data/mnist).
SHA256: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
        "train-labels-idx1-ubyte.gz": "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
        "t10k-images-idx3-ubyte.gz": "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
        "t10k-labels-idx1-ubyte.gz": "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
    },
}


class DatasetNotFoundError(FileNotFoundError):
    """The dataset's files are in none of the searched folders and could not be downloaded."""


def _present(folder: Path) -> dict[str, Path]:
    """The standard files found in ``folder`` (raw preferred over ``.gz``: no decompression)."""
    found = {}
    for stem in FILES:
        for candidate in (folder / stem, folder / f"{stem}.gz"):
            if candidate.is_file():
                found[stem] = candidate
                break
    return found


class MNIST(Dataset):
    """The MNIST handwritten digits (60,000 training and 10,000 test images, 28x28).

    Args:
        root: a folder holding the four IDX files (or a ``mnist`` subfolder of it); it
            is searched first and, if given, is where a download goes (into
            ``root/mnist``). Without it, downloads go to ``~/.cache/tensorgraph/mnist``.
        train: the training split (True) or the test split (False).
        download: fetch the files from the mirrors when no folder has them.
        transform: applied to each image Tensor (float32, (1, 28, 28), values in [0, 1]).
        target_transform: applied to each label (an int).

    Attributes:
        data: uint8 array (N, 28, 28), as in torchvision.
        targets: int64 array (N,).
        classes: the class names.
        folder: where the files were found.

    Raises:
        DatasetNotFoundError: no searched folder holds the four files and the download
            was off or failed; the message names the files, the folders and the fix.
        ValueError: a file is truncated, corrupt or not the IDX file its name says.

    Example:
        >>> train = tg.data.MNIST(train=True)
        >>> image, label = train[0]            # Tensor (1, 28, 28), int
        >>> X, y = train.arrays()              # whole split: (60000, 1, 28, 28), (60000,)
        >>> loader = tg.data.DataLoader(train, batch_size=128, shuffle=True)
    """

    name: ClassVar[str] = "mnist"
    classes: ClassVar[list[str]] = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]
    system_dirs: ClassVar[tuple[str, ...]] = ()
    mirrors_env: ClassVar[str] = "TENSORGRAPH_MNIST_MIRRORS"
    install_hint: ClassVar[str] = ""

    def __init__(
        self,
        root: str | os.PathLike | None = None,
        train: bool = True,
        download: bool = True,
        transform: Callable[[Tensor], Any] | None = None,
        target_transform: Callable[[int], Any] | None = None,
    ) -> None:
        self.root = None if root is None else Path(root).expanduser()
        self.train = bool(train)
        self.transform = transform
        self.target_transform = target_transform
        self.folder = self._locate(download)
        found = _present(self.folder)
        images_stem, labels_stem = _SPLITS[self.train]
        data = read_idx(found[images_stem], IDX_IMAGES_MAGIC, "pixels")
        labels = read_idx(found[labels_stem], IDX_LABELS_MAGIC, "labels")
        if data.shape[1:] != (28, 28):
            raise ValueError(
                f"{found[images_stem]}: images are {data.shape[1]}x{data.shape[2]}, expected 28x28"
            )
        if len(labels) != len(data):
            raise ValueError(
                f"{found[labels_stem]}: has {len(labels)} labels but {found[images_stem].name} "
                f"has {len(data)} images; the two files must come from the same split"
            )
        if len(labels) and labels.max() >= len(self.classes):
            raise ValueError(
                f"{found[labels_stem]}: label {labels.max()} is out of range 0..{len(self.classes) - 1}"
            )
        self.data: np.ndarray = data
        self.targets: np.ndarray = labels.astype(np.int64)

    # ---------------------------------------------------------------- finding files

    def search_dirs(self) -> list[Path]:
        """The folders searched for the four files, in order."""
        dirs = [self.root, self.root / self.name] if self.root is not None else []
        env = os.environ.get("TENSORGRAPH_DATA")
        if env:
            dirs.append(Path(env).expanduser() / self.name)
        dirs.append(Path.home() / ".cache" / "tensorgraph" / self.name)
        dirs.extend(Path(d) for d in self.system_dirs)
        return dirs

    def download_dir(self) -> Path:
        """Where a download goes: ``root/<name>`` if root was given, else the user cache."""
        if self.root is not None:
            return self.root / self.name
        return Path.home() / ".cache" / "tensorgraph" / self.name

    def mirror_urls(self) -> list[str]:
        """The mirrors' base URLs: ``$<mirrors_env>`` if set, else ``MIRRORS[name]``."""
        env = os.environ.get(self.mirrors_env, "")
        return env.replace(",", " ").split() or list(MIRRORS[self.name])

    def _locate(self, download: bool) -> Path:
        searched = self.search_dirs()
        for folder in searched:
            if len(_present(folder)) == len(FILES):
                return folder
        errors: list[str] = []
        if download:
            target = self.download_dir()
            errors = download_verified(SHA256[self.name], self.mirror_urls(), target)
            if len(_present(target)) == len(FILES):
                return target
            if target not in searched:
                searched.append(target)
        raise DatasetNotFoundError(self._not_found_message(searched, download, errors))

    def _not_found_message(
        self, searched: list[Path], download: bool, errors: list[str]
    ) -> str:
        lines = [
            f"{type(self).__name__}: the dataset files were not found.",
            "It needs these four IDX files (each raw or gzip-compressed with .gz) in one folder:",
            *(f"    {stem}.gz" for stem in FILES),
            "Folders searched, in order:",
        ]
        for folder in dict.fromkeys(searched):
            found = _present(folder)
            if not folder.is_dir():
                state = "does not exist"
            elif not found:
                state = "has none of them"
            else:
                state = f"has only {len(found)} of 4, missing " + ", ".join(
                    s for s in FILES if s not in found
                )
            lines.append(f"    {folder}  ({state})")
        if not download:
            lines.append("Not downloaded: download=False.")
        else:
            lines.append("Download failed:")
            lines.extend(f"    {e}" for e in errors[:8])
        lines += [
            "To fix it, do one of:",
            (
                "    put the four files in a folder and pass root=<folder>, or export "
                f"TENSORGRAPH_DATA=<dir> with them in <dir>/{self.name}/"
            ),
            (
                f"    download them on a connected machine into ~/.cache/tensorgraph/{self.name}/ "
                f"(or set {self.mirrors_env} to a reachable mirror)"
            ),
        ]
        if self.install_hint:
            lines.append(f"    {self.install_hint}")
        return "\n".join(lines)

    # ---------------------------------------------------------------- access

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """Sample ``index``: ``(image, label)``, image a float32 Tensor (1, 28, 28) in [0, 1]."""
        image: Any = Tensor(self.data[index].astype(np.float32)[None] / np.float32(255))
        label: Any = int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def _get_batch(self, indices: np.ndarray) -> tuple[Tensor, Tensor] | None:
        # DataLoader's fast path: one fancy-index per batch. Transforms are per sample,
        # so with one set we return None and the loader falls back to __getitem__.
        if self.transform is not None or self.target_transform is not None:
            return None
        images = self.data[indices].astype(np.float32)[:, None] / np.float32(255)
        return Tensor(images), Tensor(self.targets[indices])

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The whole split as numpy arrays, for training loops that batch by indexing.

        Transforms are not applied. Each call builds a new float32 array
        (about 188 MB for the 60,000 training images).

        Returns:
            ``(X, y)``: X float32 (N, 1, 28, 28) with values in [0, 1] (pixel / 255, as
            torchvision's ``ToTensor``), y int64 (N,).

        Example:
            >>> X, y = tg.data.MNIST(train=False).arrays()
            >>> ds = tg.data.TensorDataset(X, y)
        """
        return self.data.astype(np.float32)[:, None] / np.float32(
            255
        ), self.targets.copy()

    def __repr__(self) -> str:
        split = "Train" if self.train else "Test"
        return (
            f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n"
            f"    Location: {self.folder}\n    Split: {split}"
        )


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grey images of 10 kinds of clothing, MNIST's format.

    Same arguments and attributes as :class:`MNIST`; files live under ``fashion-mnist``
    and are also found in ``/usr/share/datasets/fashion-mnist`` (``apt-get install
    dataset-fashion-mnist`` on Debian/Ubuntu).

    Example:
        >>> test = tg.data.FashionMNIST(train=False)
        >>> test.classes[test[0][1]]
        'Ankle boot'
    """

    name = "fashion-mnist"
    classes: ClassVar[list[str]] = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]
    system_dirs = ("/usr/share/datasets/fashion-mnist",)
    mirrors_env = "TENSORGRAPH_FASHION_MNIST_MIRRORS"
    install_hint = "on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist (installs them system-wide)"
