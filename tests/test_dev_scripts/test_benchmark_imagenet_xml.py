""".dev_scripts/benchmark_imagenet_xml.py: the ILSVRC2012 val box parse on
generated XML files (the script asserts every image was parsed)."""


def test_parses_every_generated_file(dev_script, tmp_path):
    out = dev_script('benchmark_imagenet_xml', '--num', '12', '--repeat', '1',
                     '--root', str(tmp_path / 'imagenet'))
    assert out.returncode == 0, out.stdout[-2000:]
    assert 'wrote 12 XML + image files' in out.stdout
    for name in ('folder scan', 'ann_file'):
        assert f'val parse ({name}): ' in out.stdout
        assert 'for 12 images' in out.stdout
