"""One live run per work dir (mmspg.utils.work_dir_claim)."""
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from mmspg.utils import (CLAIM_NAME, WorkDirBusyError, claim_work_dir,
                         claim_work_dir_of_run, launcher_rank)


def _write_claim(work_dir,
                 host,
                 pid,
                 start='2026-01-01T00:00:00+00:00',
                 age=0.0):
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / CLAIM_NAME
    path.write_text(
        json.dumps(dict(host=host, pid=pid, start=start, token='theirs')))
    if age:
        past = time.time() - age
        os.utime(path, (past, past))
    return path


def _dead_pid():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_second_claim_refuses_naming_the_holder(tmp_path):
    first = claim_work_dir(str(tmp_path), heartbeat=0)
    try:
        with pytest.raises(WorkDirBusyError) as err:
            claim_work_dir(str(tmp_path), heartbeat=0)
        msg = str(err.value)
        assert socket.gethostname() in msg
        assert f'PID {os.getpid()}' in msg
        assert first.info['start'] in msg and 'in use' in msg
        assert first.held()
    finally:
        first.release()
    assert not (tmp_path / CLAIM_NAME).exists()
    # released: the work dir can be claimed again (a --resume of it)
    claim_work_dir(str(tmp_path), heartbeat=0).release()


def test_live_holder_of_this_host_refuses(tmp_path):
    # the test process itself is alive: its claim holds
    _write_claim(tmp_path, socket.gethostname(), os.getppid())
    with pytest.raises(WorkDirBusyError, match=f'PID {os.getppid()}'):
        claim_work_dir(str(tmp_path), heartbeat=0)


def test_dead_holder_of_this_host_is_taken_over(tmp_path, capsys):
    pid = _dead_pid()
    _write_claim(tmp_path, socket.gethostname(), pid)
    claim = claim_work_dir(str(tmp_path), heartbeat=0, logger=None)
    try:
        assert claim.held() and claim.info['pid'] == os.getpid()
        out = capsys.readouterr().out
        assert 'Took over' in out and f'PID {pid}' in out
        # no file of the take-over is left behind
        assert sorted(os.listdir(tmp_path)) == [CLAIM_NAME]
    finally:
        claim.release()


def test_other_host_judged_by_heartbeat(tmp_path):
    # a pid of another node cannot be probed: a fresh heartbeat holds ...
    _write_claim(tmp_path, 'other-node', 1)
    with pytest.raises(WorkDirBusyError, match='host other-node, PID 1'):
        claim_work_dir(str(tmp_path), heartbeat=0, stale_after=60)
    # ... a heartbeat older than stale_after does not
    _write_claim(tmp_path, 'other-node', 1, age=120)
    claim = claim_work_dir(
        str(tmp_path), heartbeat=0, stale_after=60, logger=None)
    assert claim.held()
    claim.release()


def test_heartbeat_refreshes_the_claim(tmp_path):
    claim = claim_work_dir(str(tmp_path), heartbeat=0.05)
    try:
        path = tmp_path / CLAIM_NAME
        past = time.time() - 1000
        os.utime(path, (past, past))
        deadline = time.time() + 10
        while os.stat(path).st_mtime < past + 500 and time.time() < deadline:
            time.sleep(0.05)
        assert os.stat(path).st_mtime > past + 500
    finally:
        claim.release()


def test_release_keeps_a_claim_that_is_not_ours(tmp_path):
    claim = claim_work_dir(str(tmp_path), heartbeat=0)
    _write_claim(tmp_path, 'other-node', 1)  # taken over by another run
    claim.release()
    assert json.loads((tmp_path / CLAIM_NAME).read_text())['host'] == \
        'other-node'


def test_only_the_main_process_claims(tmp_path, monkeypatch):
    monkeypatch.setenv('RANK', '1')
    assert launcher_rank() == 1
    assert claim_work_dir_of_run(str(tmp_path)) is None
    assert not (tmp_path / CLAIM_NAME).exists()
    monkeypatch.setenv('RANK', '0')
    _write_claim(tmp_path, socket.gethostname(), os.getppid())
    with pytest.raises(SystemExit, match='tools/train.py: The work dir'):
        claim_work_dir_of_run(str(tmp_path), 'tools/train.py')


def test_forked_child_does_not_release_the_claim(tmp_path):
    claim = claim_work_dir(str(tmp_path), heartbeat=0)
    try:
        pid = os.fork()
        if pid == 0:  # a dataloader worker, say
            claim.release()
            os._exit(0)
        os.waitpid(pid, 0)
        assert claim.held()
    finally:
        claim.release()
    assert not (tmp_path / CLAIM_NAME).exists()
