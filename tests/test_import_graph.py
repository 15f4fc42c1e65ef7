"""No import cycle in mmspg: the graph of module-level imports between
mmspg's modules (read from the source, so every module counts, imported by
a test or not) has no cycle. Imports inside functions are lazy on purpose
and do not count; importing ``a.b.c`` also runs ``a.b``'s ``__init__``,
except where ``a.b`` is a package the importer is itself inside."""
import ast
import glob
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _modules():
    mods = {}
    for path in glob.glob(
            osp.join(REPO, 'mmspg', '**', '*.py'), recursive=True):
        name = osp.relpath(path, REPO)[:-3].replace(osp.sep, '.')
        is_pkg = name.endswith('.__init__')
        mods[name[:-len('.__init__')] if is_pkg else name] = (path, is_pkg)
    return mods


def _targets(name, is_pkg, node, mods):
    """mmspg modules an import statement names (the deepest that exist)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = name.split('.')
            if not is_pkg:
                base = base[:-1]
            base = base[:len(base) - (node.level - 1)]
            mod = '.'.join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ''
        names = [f'{mod}.{a.name}' for a in node.names]
    out = set()
    for target in names:
        while target not in mods and '.' in target:
            target = target.rsplit('.', 1)[0]
        if target in mods and target.split('.')[0] == 'mmspg':
            out.add(target)
    return out


def _ancestors(name, mods):
    parts = name.split('.')
    return {'.'.join(parts[:i]) for i in range(1, len(parts) + 1)} & set(mods)


def import_graph():
    mods = _modules()
    graph = {}
    for name, (path, is_pkg) in mods.items():
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read())
        statements = []
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                statements.append(node)
            elif isinstance(node, (ast.If, ast.Try)):  # guarded imports
                statements += [
                    n for n in ast.walk(node)
                    if isinstance(n, (ast.Import, ast.ImportFrom))
                ]
        deps = set()
        for node in statements:
            for target in _targets(name, is_pkg, node, mods):
                deps |= _ancestors(target, mods)
        graph[name] = deps - _ancestors(name, mods)
    return graph


def find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = 'open'
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 'open':
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 'done'
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 50
    assert 'mmspg.models.utils.loc_predictions' in graph[
        'mmspg.models.heads.cam_head']
    cycle = find_cycle(graph)
    assert cycle is None, ' -> '.join(cycle)


def test_a_cycle_is_found():
    graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': set()}
    assert find_cycle(graph) == ['a', 'b', 'c', 'a']
