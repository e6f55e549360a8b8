"""What tg.save promises about the file it writes: atomic replacement, symlinks followed,
permissions kept, unwritable files refused, special files never replaced, nothing
written for an object that could not be loaded back, file objects."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading

import numpy as np
import pytest

import tensorgraph as tg
from tensorgraph.serialization import CheckpointError, atomic, load, save


def state() -> dict:
    return {"w": tg.tensor(np.arange(6.0).reshape(2, 3)), "step": 3}


def same(a: dict, b: dict) -> bool:
    return a["step"] == b["step"] and np.array_equal(a["w"].numpy(), b["w"].numpy())


def test_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real" / "ckpt.npz"
    real.parent.mkdir()
    save({"w": tg.zeros(1), "step": 0}, real)
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    save(state(), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert same(load(real), state())
    assert sorted(os.listdir(real.parent)) == ["ckpt.npz"]  # the temp file went next to it


def test_save_through_a_dangling_symlink_creates_the_target(tmp_path):
    link = tmp_path / "link.npz"
    link.symlink_to(tmp_path / "new.npz")
    save(state(), link)
    assert link.is_symlink() and same(load(tmp_path / "new.npz"), state())


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_replacing_a_file_keeps_its_permission_bits(tmp_path, mode):
    path = tmp_path / "ckpt.npz"
    save(state(), path)
    os.chmod(path, mode)
    save(state(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode


def test_a_new_file_gets_the_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        save(state(), tmp_path / "new.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.npz").st_mode) == 0o644


def test_a_write_protected_file_is_refused_as_open_would(tmp_path):
    """As an ordinary user (root may write anything, and open() would let it)."""
    if os.geteuid() != 0:
        path = tmp_path / "ckpt.npz"
        save({"w": tg.zeros(1), "step": 0}, path)
        os.chmod(path, 0o444)
        before = path.read_bytes()
        with pytest.raises(PermissionError, match="ckpt.npz"):
            save(state(), path)
        assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.npz"]
        return
    folder = tempfile.mkdtemp(prefix="tg-perm-")  # /tmp itself: nobody can reach it
    try:
        os.chmod(folder, 0o777)
        path = os.path.join(folder, "ckpt.npz")
        save({"w": tg.zeros(1), "step": 0}, path)
        os.chmod(path, 0o444)
        code = textwrap.dedent(f"""
            import os, sys
            import tensorgraph as tg
            os.setgid(65534); os.setuid(65534)  # after the imports: /root is private
            try:
                tg.save({{"w": tg.ones(1)}}, {path!r})
            except PermissionError as e:
                print("refused", e.filename)
                sys.exit(0)
            sys.exit("saved over a read-only file")
        """)
        env = dict(os.environ, PYTHONPATH=os.getcwd())
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, cwd=folder, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "refused" in run.stdout and "ckpt.npz" in run.stdout
        assert load(path)["step"] == 0 and os.listdir(folder) == ["ckpt.npz"]
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def test_a_folder_that_cannot_be_written_is_refused(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write any folder")
    os.chmod(tmp_path, 0o555)
    try:
        with pytest.raises(PermissionError):
            save(state(), tmp_path / "ckpt.npz")
    finally:
        os.chmod(tmp_path, 0o755)


def test_a_character_device_is_written_not_replaced(tmp_path):
    dev = tmp_path / "null"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the /dev/null device
    except (PermissionError, OSError) as err:
        pytest.skip(f"cannot make a device node here ({err})")
    save(state(), dev)
    assert stat.S_ISCHR(os.stat(dev).st_mode) and os.listdir(tmp_path) == ["null"]
    save(state(), "/dev/null")  # as root, this once replaced /dev/null for everyone
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_with_a_reader_gets_the_bytes_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = {}

    def read() -> None:
        with open(fifo, "rb") as fh:
            got["bytes"] = fh.read()

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(200):  # wait until the reader has the FIFO open
        try:
            save(state(), fifo)
            break
        except OSError as err:
            assert "no reader" in str(err)
            threading.Event().wait(0.01)
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert same(load(io.BytesIO(got["bytes"])), state())


def test_a_fifo_without_a_reader_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO with no reader"):
        save(state(), fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_path_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        save(state(), tmp_path)


def test_an_object_that_could_not_be_loaded_back_is_refused_before_writing(tmp_path):
    path = tmp_path / "ckpt.npz"
    save(state(), path)
    before = path.read_bytes()
    bad = {"model": {np.float64(1.0): tg.zeros(1)}}
    with pytest.raises(TypeError, match=r"checkpoint\['model'\]\[np.float64\(1.0\)\]: keys "
                                        r"must be str or int"):
        save(bad, path)
    with pytest.raises(TypeError, match=r"np.int64"):
        save({np.int64(3): 1}, tmp_path / "other.npz")
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.npz"]


def test_crash_mid_write_leaves_the_old_file_and_the_next_save_clears_the_leftover(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": tg.zeros(1), "step": 0}, path)
    code = textwrap.dedent(f"""
        import os, signal, numpy as np, tensorgraph as tg
        real = np.lib.format.write_array
        def die(fp, array, **kw):
            fp.write(b"half a file")
            os.kill(os.getpid(), signal.SIGKILL)
        np.lib.format.write_array = die
        tg.save({{"w": tg.ones(10), "step": 1}}, {str(path)!r})
    """)
    run = subprocess.run([sys.executable, "-c", code], env=dict(os.environ,
                         PYTHONPATH=os.getcwd()), timeout=60)
    assert run.returncode == -signal.SIGKILL
    assert load(path)["step"] == 0  # the old checkpoint, whole
    if atomic._unnamed_files_work(str(tmp_path)):
        assert os.listdir(tmp_path) == ["ckpt.npz"]  # the half-written file had no name
    save(state(), path)
    assert os.listdir(tmp_path) == ["ckpt.npz"] and same(load(path), state())


def test_a_temp_file_of_a_live_process_is_left_alone(tmp_path):
    mine = tmp_path / f".ckpt.npz.tg-{os.getppid()}-abcd.tmp"  # pytest's parent: alive
    mine.write_bytes(b"x")
    save(state(), tmp_path / "ckpt.npz")
    assert mine.exists()


def test_failed_save_to_a_new_path_leaves_nothing(tmp_path, monkeypatch):
    def fail(fp, array, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", fail)
    with pytest.raises(OSError, match="disk full"):
        save(state(), tmp_path / "new.npz")
    assert os.listdir(tmp_path) == []


def test_the_unnamed_file_probe_answers_and_writes_still_land(tmp_path):
    assert atomic._unnamed_files_work(str(tmp_path)) in (True, False)
    save(state(), tmp_path / "a.npz")
    assert same(load(tmp_path / "a.npz"), state())


# ------------------------------------------------------------------ file objects

def test_save_and_load_with_a_bytesio():
    buf = io.BytesIO()
    save(state(), buf)
    buf.seek(0)
    assert same(load(buf), state())


def test_load_from_a_file_object_not_at_offset_zero(tmp_path):
    buf = io.BytesIO(b"junk")
    buf.seek(4)
    save(state(), buf)
    buf.seek(4)
    assert same(load(buf), state())


def test_load_from_an_open_file(tmp_path):
    save(state(), tmp_path / "c.npz")
    with open(tmp_path / "c.npz", "rb") as fh:
        assert same(load(fh), state())


def test_a_damaged_file_object_is_named_in_the_error():
    with pytest.raises(CheckpointError, match="BytesIO"):
        load(io.BytesIO(b"not a checkpoint at all"))


def test_load_accepts_torch_keywords_and_refuses_other_devices(tmp_path):
    save(state(), tmp_path / "c.npz")
    assert same(load(tmp_path / "c.npz", map_location="cpu", weights_only=True), state())
    with pytest.raises(RuntimeError, match="CPU only"):
        load(tmp_path / "c.npz", map_location="cuda:0")


def test_error_lists_stay_short(tmp_path):
    import json
    import zipfile

    path = tmp_path / "lying.npz"
    index = {"format": "tensorgraph.checkpoint", "version": 1, "root": None,
             "arrays": [{"dtype": "<f4", "shape": []}] * 500_000}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("index.json", json.dumps(index))
    with pytest.raises(CheckpointError) as info:
        load(path)
    message = str(info.value)
    assert "500,000 members missing, e.g. a0.npy" in message and len(message) < 300
