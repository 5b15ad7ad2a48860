"""The subcommands of the fake `container` CLI."""
import json
import os
import re
import signal
import sys
import time

from fake_cli import Args, CliError, MIB, create_request, load_config, parse_labels, table, usage
from fake_docker import DockerBackend
from fake_memory import MemoryBackend
from fake_output import iso, print_containers

class Aggregate(CliError):
    """Several errors, one per line, as the CLI's AggregateError prints them."""

    def __init__(self, errors):
        super().__init__(errors[0].code, errors[0].message)
        self.errors = errors

    def describe(self):
        return "\n".join('%s: "%s"' % (e.code, e.message) for e in self.errors)


def require(backend, name, missing="container with ID %s not found"):
    container = backend.get(name)
    if container is None:
        raise CliError("notFound", missing % name)
    return container


def each(names, action):
    """Runs action per name, printing each one that worked; errors are collected as the CLI does."""
    errors = []
    for name in names:
        try:
            action(name)
            print(name)
        except CliError as e:
            errors.append(e)
    if errors:
        raise Aggregate(errors)


def cmd_system(config, backend, argv):
    args = Args(argv, {"--format": "format", "-p": "prefix", "--prefix": "prefix"}, {"--debug": "debug"})
    if args.positional != ["status"]:
        raise usage("Unexpected argument '%s'" % " ".join(args.positional))
    if config["down"]:
        print("apiserver is not running")
        return 1
    if config["shape"] == "pre-1.0":
        print("apiserver is running\napplication data root: /Users/berth/Library/Application Support/com.apple."
              "container/\ncontainer-apiserver version: container-apiserver version 0.5.0 (build: release, commit: "
              "fake)\ncontainer-apiserver commit: fake")
    elif args.one("format") == "json":
        print(json.dumps({"status": "running", "apiServerVersion": "1.0.0", "apiServerCommit": "fake",
                          "apiServerBuild": "release", "apiServerAppName": "container-apiserver",
                          "appRoot": "/Users/berth/Library/Application Support/com.apple.container/",
                          "installRoot": "/usr/local/"}, sort_keys=True, separators=(",", ":")))
    else:
        print(table([["FIELD", "VALUE"], ["status", "running"],
                     ["appRoot", "/Users/berth/Library/Application Support/com.apple.container/"],
                     ["installRoot", "/usr/local/"], ["logRoot", ""], ["apiserver.version", "1.0.0"],
                     ["apiserver.commit", "fake"], ["apiserver.build", "release"],
                     ["apiserver.appName", "container-apiserver"]]))
    return 0


def cmd_create(config, backend, argv, start):
    req = create_request(argv)
    if start and not req["detach"]:
        raise CliError("unsupported", "the fake runs containers detached only; pass -d")
    backend.create(req)
    if start:
        backend.start(req["name"])
    print(req["name"])
    return 0


def cmd_start(config, backend, argv):
    args = Args(argv, {}, {"-a": "attach", "--attach": "attach", "-i": "interactive", "--interactive": "interactive",
                           "--debug": "debug"})
    if len(args.positional) != 1:
        raise usage("Expected exactly one container ID")
    name = args.positional[0]
    backend.start(name)  # a running one is left alone
    print(name)
    return 0


def cmd_stop(config, backend, argv):
    args = Args(argv, {"-t": "time", "--time": "time", "-s": "signal", "--signal": "signal"},
                {"-a": "all", "--all": "all", "--debug": "debug"})
    if not args.positional and "all" not in args.flags:
        raise CliError("invalidArgument", "no containers specified and --all not supplied")
    seconds = args.one("time", "5")
    if not re.fullmatch(r"-?\d+", seconds):
        raise usage("The value '%s' is invalid for '-t <time>'" % seconds)
    names = [c["name"] for c in backend.list(True)] if "all" in args.flags else args.positional

    each(names, lambda name: backend.stop(name, max(0, int(seconds)), args.one("signal")))
    return 0


def cmd_kill(config, backend, argv):
    args = Args(argv, {"-s": "signal", "--signal": "signal"}, {"-a": "all", "--all": "all", "--debug": "debug"})

    each(args.positional, lambda name: backend.kill(name, args.one("signal", "KILL")))
    return 0


def cmd_delete(config, backend, argv):
    args = Args(argv, {}, {"-f": "force", "--force": "force", "-a": "all", "--all": "all", "--debug": "debug"})
    if not args.positional and "all" not in args.flags:
        raise CliError("invalidArgument", "no containers specified and --all not supplied")

    each(sorted(set(args.positional)), lambda name: backend.delete(name, "force" in args.flags))
    return 0


def cmd_logs(config, backend, argv):
    args = Args(argv, {"-n": "lines"}, {"-f": "follow", "--follow": "follow", "--boot": "boot", "--debug": "debug"})
    if len(args.positional) != 1:
        raise usage("Expected exactly one container ID")
    container = require(backend, args.positional[0])
    if container["started"] is None:
        raise CliError("internalError", "failed to open container logs: no log file for %s" % container["name"])
    lines = args.one("lines")
    if lines is not None and not re.fullmatch(r"\d+", lines):
        raise usage("The value '%s' is invalid for '-n <n>'" % lines)
    follow = "follow" in args.flags
    signal.signal(signal.SIGTERM, lambda *_: os._exit(143))
    log = backend.logs(container["name"])
    existing = log.existing()
    if lines is not None:  # the last lines that are not empty
        kept = [line for line in existing if line != ""]
        sys.stdout.write("".join(line + "\n" for line in (kept[-int(lines):] if int(lines) > 0 else [])))
    else:
        sys.stdout.write("\n".join(existing).strip("\r\n\x0b\x0c\x85\u2028\u2029") + "\n")
    sys.stdout.flush()
    if follow:
        for line in log.follow():  # never ends by itself, as the real follow
            if line:  # the CLI's follow drops empty lines
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
    return 0


def cmd_exec(config, backend, argv):
    args = Args(argv, {"-e": "env", "--env": "env", "-w": "workdir", "--workdir": "workdir", "--cwd": "workdir",
                       "-u": "user", "--user": "user"},
                {"-i": "interactive", "--interactive": "interactive", "-t": "tty", "--tty": "tty",
                 "-d": "detach", "--detach": "detach", "--debug": "debug"}, positional_rest=True)
    if len(args.positional) < 2:
        raise usage("Missing expected argument '<arguments> ...'")
    name = args.positional[0]
    if require(backend, name, "get failed: container %s not found")["state"] != "running":
        raise CliError("invalidState", "container %s is not running" % name)
    sys.stdout.flush()
    return backend.exec(name, args.positional[1:])


def cmd_inspect(config, backend, argv):
    args = Args(argv, {}, {"--debug": "debug"})
    if not args.positional:
        raise usage("Missing expected argument '<container-ids> ...'")
    found = [c for c in (backend.get(n) for n in sorted(set(args.positional))) if c is not None]
    missing = sorted(set(args.positional) - {c["name"] for c in found})
    if missing and config["shape"] != "pre-1.0":
        raise CliError("notFound", "container not found: %s" % ", ".join(missing))
    print_containers(found, config["shape"], pretty=True, garble=config.get("garble"))
    return 0


def cmd_list(config, backend, argv):
    args = Args(argv, {"--format": "format"}, {"-a": "all", "--all": "all", "-q": "quiet", "--quiet": "quiet",
                                               "--debug": "debug"})
    containers = backend.list("all" in args.flags)
    if args.one("format") == "json":
        print_containers(containers, config["shape"], pretty=False, garble=config.get("garble"))
    elif "quiet" in args.flags:
        print("\n".join(c["name"] for c in containers))
    else:
        rows = [["ID", "IMAGE", "OS", "ARCH", "STATE", "ADDR", "CPUS", "MEMORY"]]
        for c in containers:
            rows.append([c["name"], c["image"], "linux", "arm64", c["state"], (c["address"] or "").split("/")[0],
                         c["cpus"] or 4, "%d MB" % ((c["memory"] or 1024 * MIB) // MIB)])
        print(table(rows))
    return 0


def cmd_image(config, backend, argv):
    if not argv:
        raise usage("Missing subcommand")
    sub, rest = argv[0], argv[1:]
    if sub == "pull":
        args = Args(rest, {"--progress": "progress", "--platform": "platform", "-a": "arch", "--arch": "arch",
                           "--os": "os", "--scheme": "scheme"}, {"--debug": "debug"})
        ref = args.positional[0]
        if not backend.image_exists(ref):
            raise CliError("internalError", "failed to pull image %s: no registry is reachable from the fake" % ref)
        print(ref)
        return 0
    if sub == "inspect":
        args = Args(rest, {}, {"--debug": "debug"})
        images = {i["name"]: i for i in backend.images()}
        missing = [r for r in args.positional if not backend.image_exists(r)]
        if missing:
            raise CliError("notFound", "image not found: %s" % ", ".join(missing))
        print(json.dumps([{"name": r, "index": {"digest": "sha256:" + images.get(r, {"digest": "0" * 64})["digest"]
                                                 .replace("sha256:", "")}} for r in args.positional], indent=2))
        return 0
    if sub in ("list", "ls"):
        args = Args(rest, {"--format": "format"}, {"-q": "quiet", "--quiet": "quiet", "-v": "verbose",
                                                   "--verbose": "verbose", "--debug": "debug"})
        images = backend.images()
        if args.one("format") != "json":
            print(table([["NAME", "TAG", "DIGEST"]] + [i["name"].rsplit(":", 1) + [i["digest"]] for i in images]))
        elif config["shape"] == "pre-1.0":
            print(json.dumps([{"reference": i["name"], "descriptor": {"digest": "sha256:" + i["digest"].replace(
                "sha256:", ""), "size": i["size"], "mediaType": "application/vnd.oci.image.index.v1+json"}}
                for i in images], separators=(",", ":")))
        else:
            print(json.dumps([{"id": i["digest"].replace("sha256:", ""), "configuration": {
                "name": i["name"], "creationDate": iso(time.time()), "descriptor": {
                    "digest": "sha256:" + i["digest"].replace("sha256:", ""), "size": i["size"],
                    "mediaType": "application/vnd.oci.image.index.v1+json"}},
                "variants": [{"platform": {"os": "linux", "architecture": "arm64"}, "size": i["size"],
                              "digest": "sha256:" + "1" * 64, "config": {}}]} for i in images],
                sort_keys=True, separators=(",", ":")))
        return 0
    if sub in ("delete", "rm"):
        args = Args(rest, {}, {"-f": "force", "--force": "force", "-a": "all", "--all": "all", "--debug": "debug"})
        each(args.positional, backend.image_delete)
        return 0
    raise usage("Unexpected argument '%s'" % sub)


def cmd_build(config, backend, argv):
    args = Args(argv, {"-t": "tag", "--tag": "tag", "--progress": "progress", "-f": "file", "--file": "file"},
                {"-q": "quiet", "--quiet": "quiet", "--no-cache": "no-cache", "--debug": "debug"})
    if not args.positional or args.one("tag") is None:
        raise usage("Missing expected argument '<context-dir>' or '--tag'")
    status = backend.build(args.one("tag"), args.positional[0])
    if status != 0:
        raise CliError("internalError", "build failed with status %d" % status)
    return 0


def cmd_network(config, backend, argv):
    if not config["networks"]:
        raise usage("Unexpected argument 'network'")
    sub, rest = (argv[0], argv[1:]) if argv else ("", [])
    if sub == "create":
        args = Args(rest, {"--label": "label", "--option": "option", "--plugin": "plugin", "--subnet": "subnet",
                           "--subnet-v6": "subnet-v6"}, {"--internal": "internal", "--debug": "debug"})
        if len(args.positional) != 1 or not re.fullmatch(r"[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?",
                                                          args.positional[0]):
            raise CliError("invalidArgument", "invalid network name %s" % " ".join(args.positional))
        backend.network_create(args.positional[0], parse_labels(args.all("label")))
        print(args.positional[0])
        return 0
    if sub in ("list", "ls"):
        args = Args(rest, {"--format": "format"}, {"-q": "quiet", "--quiet": "quiet", "--debug": "debug"})
        networks = backend.networks()
        if args.one("format") == "json":
            print(json.dumps([{"id": n["name"], "configuration": {
                "name": n["name"], "mode": "nat", "creationDate": iso(time.time()), "ipv4Subnet": n["subnet"],
                "labels": n["labels"], "plugin": "container-network-vmnet", "options": {}},
                "status": {"ipv4Subnet": n["subnet"], "ipv4Gateway": n["gateway"]}} for n in networks],
                sort_keys=True, separators=(",", ":")))
        else:
            print(table([["NETWORK", "STATE", "SUBNET"]] + [[n["name"], "running", n["subnet"]] for n in networks]))
        return 0
    if sub in ("delete", "rm"):
        args = Args(rest, {}, {"-a": "all", "--all": "all", "--debug": "debug"})
        each(args.positional, backend.network_delete)
        return 0
    raise usage("Unexpected argument '%s'" % sub)


COMMANDS = {"system": cmd_system, "create": lambda c, b, a: cmd_create(c, b, a, False),
            "run": lambda c, b, a: cmd_create(c, b, a, True), "start": cmd_start, "stop": cmd_stop,
            "kill": cmd_kill, "delete": cmd_delete, "rm": cmd_delete, "logs": cmd_logs, "exec": cmd_exec,
            "inspect": cmd_inspect, "list": cmd_list, "ls": cmd_list, "image": cmd_image, "i": cmd_image,
            "build": cmd_build, "network": cmd_network, "n": cmd_network}


def main():
    config = load_config()
    argv = sys.argv[1:]
    if config.get("record"):
        with open(config["record"], "a") as f:
            f.write(json.dumps(argv) + "\n")
    try:
        if argv in (["--version"], ["-v"]):
            print("container CLI version %s (build: release, commit: fake)"
                  % ("0.5.0" if config["shape"] == "pre-1.0" else "1.0.0"))
            return 0
        if not argv or argv[0] not in COMMANDS:
            raise usage("Unexpected argument '%s'" % (argv[0] if argv else ""))
        if config["down"] and argv[:2] != ["system", "status"]:
            raise CliError("interrupted", "XPC connection error: Connection invalid\nEnsure container system service "
                                          "has been started with `container system start`.")
        backend = MemoryBackend(config) if config["mode"] == "memory" else DockerBackend(config)
        return COMMANDS[argv[0]](config, backend, argv[1:])
    except Aggregate as e:
        sys.stdout.flush()
        sys.stderr.write("Error: %s\n" % e.describe())
        return e.status
    except CliError as e:
        sys.stdout.flush()
        if e.status == 64:
            sys.stderr.write("Error: %s\nUsage: container <subcommand>\n  See 'container --help' for more "
                             "information.\n" % e.message)
        else:
            sys.stderr.write('Error: %s: "%s"\n' % (e.code, e.message))
        return e.status


