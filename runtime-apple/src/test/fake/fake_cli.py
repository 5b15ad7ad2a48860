"""Errors, settings and the argument parsing of the fake `container` CLI (see `container`)."""
import json
import os
import re
import sys
import time

NAME_RULE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
LABEL = "dev.berth.fake-container"
FOUNDATION_EPOCH = 978307200
MIB = 1024 * 1024


class CliError(Exception):
    """An error the real CLI reports as `Error: <code>: "<message>"` (status 1) or a usage error (64)."""

    def __init__(self, code, message, status=1):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def usage(message):
    return CliError(None, message, 64)


def load_config():
    here = os.path.dirname(os.path.abspath(sys.argv[0]))
    config = {"mode": "docker", "prefix": "berthfake", "shape": "1.x", "docker": "/usr/bin/docker",
              "networks": True, "down": False, "garble": False, "state": os.path.join(here, "state.json"), "record": None}
    path = os.path.join(here, "fake.json")
    if os.path.exists(path):
        with open(path) as f:
            config.update(json.load(f))
    for key in list(config):
        value = os.environ.get("BERTH_FAKE_CONTAINER_" + key.upper())
        if value is not None:
            config[key] = value.lower() == "true" if isinstance(config[key], bool) else value
    return config


class Args:
    """Parses options the way ArgumentParser does for the options Berth and people commonly pass."""

    def __init__(self, argv, values, flags, positional_rest=False):
        self.values, self.flags, self.positional = {}, set(), []
        i = 0
        while i < len(argv):
            arg = argv[i]
            if positional_rest and self.positional:
                self.positional.extend(argv[i:])  # captureForPassthrough after the image
                break
            if arg == "--":
                self.positional.extend(argv[i + 1:])
                break
            if arg.startswith("-") and len(arg) > 1:
                name, inline = (arg.split("=", 1) + [None])[:2] if arg.startswith("--") else (arg, None)
                key = values.get(name)
                if key is not None:
                    if inline is None:
                        i += 1
                        if i >= len(argv):
                            raise usage("Missing value for '%s'" % arg)
                        inline = argv[i]
                    self.values.setdefault(key, []).append(inline)
                elif flags.get(name) is not None:
                    self.flags.add(flags[name])
                else:
                    raise usage("Unknown option '%s'" % arg)
            else:
                self.positional.append(arg)
            i += 1

    def one(self, key, default=None):
        return self.values.get(key, [default])[-1]

    def all(self, key):
        return self.values.get(key, [])


def table(rows):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


def parse_memory(text):
    m = re.fullmatch(r"(\d+)([KMGTP]?)(i?B)?", text.strip(), re.IGNORECASE)
    if not m:
        raise CliError("invalidArgument", "invalid memory value %s" % text)
    scale = {"": MIB, "K": 1024, "M": MIB, "G": 1024 * MIB, "T": 1024 ** 4, "P": 1024 ** 5}
    return int(m.group(1)) * scale[m.group(2).upper()]


def swift_split(text, separator, max_splits):
    """Swift's split(separator:maxSplits:) with its default of dropping empty pieces."""
    parts = []
    while max_splits > 0 and separator in text:
        head, text = text.split(separator, 1)
        parts.append(head)
        max_splits -= 1
    parts.append(text)
    return [p for p in parts if p != ""]


def parse_labels(raw):
    """Apple's Parser.labels: label.split(separator: "=", maxSplits: 2); a third piece is refused."""
    labels = {}
    for label in raw:
        if label == "":
            raise CliError("invalidArgument", "label cannot be an empty string")
        parts = swift_split(label, "=", 2)
        if len(parts) == 1:
            labels[parts[0]] = ""
        elif len(parts) == 2:
            labels[parts[0]] = parts[1]
        else:
            raise CliError("invalidArgument", "invalid label format %s" % label)
    return labels


def parse_env_file(path):
    """Apple's port of Moby's envfile parsing: lines split at any line break, values kept verbatim."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise CliError("invalidArgument", "failed to read envfile at %s" % path)
    env = []
    for line in re.split(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]", text):
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.lstrip(" \t")
        if re.search(r"[ \t]", name):
            raise CliError("invalidArgument", "variable '%s' contains whitespaces" % name)
        if sep:
            env.append(name + "=" + value)
        elif name in os.environ:
            env.append(name + "=" + os.environ[name])
    return env


CREATE_VALUES = {"--name": "name", "-e": "env", "--env": "env", "--env-file": "env-file", "-v": "volume",
                 "--volume": "volume", "-c": "cpus", "--cpus": "cpus", "-m": "memory", "--memory": "memory",
                 "-w": "workdir", "--workdir": "workdir", "--cwd": "workdir", "-l": "label", "--label": "label",
                 "--entrypoint": "entrypoint", "-p": "publish", "--publish": "publish", "--network": "network",
                 "-u": "user", "--user": "user", "--cap-add": "cap-add", "--cap-drop": "cap-drop",
                 "--platform": "platform", "-a": "arch", "--arch": "arch", "--os": "os"}
CREATE_FLAGS = {"-d": "detach", "--detach": "detach", "--rm": "rm", "--remove": "rm", "--read-only": "read-only",
                "-i": "interactive", "--interactive": "interactive", "-t": "tty", "--tty": "tty",
                "--debug": "debug"}


def create_request(argv):
    args = Args(argv, CREATE_VALUES, CREATE_FLAGS, positional_rest=True)
    if not args.positional:
        raise usage("Missing expected argument '<image>'")
    name = args.one("name")
    if name is None:
        name = "%08x-0000-4000-8000-%012x" % (int(time.time()) & 0xffffffff, os.getpid())
    if not NAME_RULE.match(name):
        raise CliError("invalidArgument", "invalid entity name %s" % name)
    memory = parse_memory(args.one("memory")) if args.one("memory") else None
    if memory is not None and memory < 200 * MIB:
        raise CliError("invalidArgument", "minimum memory amount allowed is 200 MiB (got %d bytes)" % memory)
    env = []
    for path in args.all("env-file"):
        env.extend(parse_env_file(path))
    env.extend(e if "=" in e else e + "=" + os.environ[e] for e in args.all("env") if "=" in e or e in os.environ)
    volumes = []
    for volume in args.all("volume"):
        parts = volume.lstrip(":").split(":")
        if len(parts) not in (2, 3):
            raise CliError("invalidArgument", "invalid volume format %s" % volume)
        if not os.path.exists(parts[0]):
            raise CliError("invalidArgument", "path '%s' does not exist" % parts[0])
        volumes.append({"source": os.path.abspath(parts[0]), "destination": parts[1],
                        "options": parts[2].split(",") if len(parts) == 3 else []})
    return {"name": name, "image": args.positional[0], "args": args.positional[1:], "env": env,
            "labels": parse_labels(args.all("label")), "volumes": volumes, "cpus": args.one("cpus"),
            "memory": memory, "workdir": args.one("workdir"), "entrypoint": args.one("entrypoint"),
            "publish": args.all("publish"), "network": args.one("network"), "user": args.one("user"),
            "cap-add": args.all("cap-add"), "cap-drop": args.all("cap-drop"),
            "read-only": "read-only" in args.flags, "rm": "rm" in args.flags, "detach": "detach" in args.flags}
