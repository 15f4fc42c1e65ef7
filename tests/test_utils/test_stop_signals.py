"""install_stop_handlers: SIGTERM/SIGINT end the process by the signal,
after one log line and the clean-up."""
import signal
import subprocess
import sys

import pytest

SCRIPT = """
import os, signal, sys, time
from mmspg.utils import install_stop_handlers
done = sys.argv[1]
install_stop_handlers('training', cleanup=lambda: open(done, 'w').close())
if os.fork() == 0:  # a forked child: no line, no clean-up
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(10)
    os._exit(3)
os.wait()
os.kill(os.getpid(), getattr(signal, sys.argv[2]))
time.sleep(10)
"""


@pytest.mark.parametrize('sig', ['SIGTERM', 'SIGINT'])
def test_signal_logs_once_cleans_up_and_dies_of_it(tmp_path, sig):
    done = tmp_path / 'cleaned'
    proc = subprocess.run([sys.executable, '-c', SCRIPT,
                           str(done), sig],
                          capture_output=True,
                          text=True,
                          timeout=60)
    assert proc.returncode == -getattr(signal, sig)
    out = proc.stdout + proc.stderr
    assert out.count(f'Received {sig}: training stops now') == 1, out
    assert done.exists()
