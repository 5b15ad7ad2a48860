# Berth launcher, written by Berth into .berth/ of every workspace; do not edit.
# argv: launch.py <entrypoint> [args...]. The entrypoint is data, never code to interpolate.
# A module with a top-level `def main(id, config)` (two positional parameters, may be async) is imported
# and main is called with BOT_ID and the parsed config.json; for a backtest (BERTH_RESULT_PATH set) the
# returned value is written as JSON to that path unless the program wrote it itself. Any other file runs
# as __main__, exactly once.
import ast
import asyncio
import importlib.util
import inspect
import json
import os
import runpy
import sys


def _calls_main(path):
    try:
        with open(path, "rb") as source:
            tree = ast.parse(source.read(), filename=path)
    except (SyntaxError, ValueError):
        return False  # running it as a script reports the error with the usual traceback
    found = False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "main":
            args = node.args
            found = len(args.posonlyargs) + len(args.args) >= 2 or args.vararg is not None
    return found


def _read_config(workspace):
    try:
        with open(os.path.join(workspace, "config.json"), encoding="utf-8") as source:
            return json.load(source)
    except FileNotFoundError:
        return json.loads(os.environ.get("BOT_CONFIG") or "{}")


def _write_result(result):
    target = os.environ.get("BERTH_RESULT_PATH")
    if not target or result is None or os.path.exists(target):
        return
    directory = os.path.dirname(target)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = target + ".berth-tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(result, out, default=str)
    os.replace(temporary, target)


async def _await(awaitable):
    return await awaitable


def _run():
    if len(sys.argv) < 2:
        sys.exit("berth launcher: no entrypoint given")
    entry = os.path.abspath(sys.argv[1])
    workspace = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.argv = [entry] + sys.argv[2:]
    sys.path[0] = os.path.dirname(entry)
    if workspace not in sys.path:
        sys.path.insert(1, workspace)  # lets src/bot.py import src.helpers as a package
    if not _calls_main(entry):
        runpy.run_path(entry, run_name="__main__")
        return
    name = os.path.splitext(os.path.basename(entry))[0]
    spec = importlib.util.spec_from_file_location(name, entry)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    main = getattr(module, "main", None)
    if not callable(main):
        return
    result = main(os.environ.get("BOT_ID", ""), _read_config(workspace))
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    _write_result(result)


_run()
