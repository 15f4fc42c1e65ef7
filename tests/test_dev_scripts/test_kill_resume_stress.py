""".dev_scripts/kill_resume_stress.py: SIGKILL a toy training at random
moments and mid-save, then resume. The script itself checks every
guarantee of README's "Reliability" section after each kill (every
checkpoint loads, a best one survives, at most the current epoch lost, no
temporary file left after resuming, final weights bit-identical to an
uninterrupted run) and exits 1 naming the failures."""


def test_kills_and_resume_keep_every_guarantee(dev_script):
    out = dev_script(
        'kill_resume_stress',
        '--trials',
        '2',
        '--max-epochs',
        '8',
        '--in-save',
        timeout=900)
    assert out.returncode == 0, out.stdout[-3000:]
    assert 'problems: none' in out.stdout
    assert ('final weights bit-identical to the uninterrupted run: True'
            in out.stdout)
