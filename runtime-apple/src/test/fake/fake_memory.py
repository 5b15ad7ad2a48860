"""The fake's docker-free mode: containers as records in a state file; nothing runs."""
import fcntl
import json
import os
import time

from fake_cli import CliError

class MemoryBackend:
    """Containers as records: start marks one running (nothing runs), logs print what a test stored."""

    def __init__(self, config):
        self.path = config["state"]
        self.lock = open(self.path + ".lock", "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)  # one call at a time, like the real service's own lock
        try:
            with open(self.path) as f:
                self.state = json.load(f)
        except (OSError, ValueError):
            self.state = {}
        self.state.setdefault("containers", {})
        self.state.setdefault("images", ["docker.io/library/busybox:1"])
        self.state.setdefault("networks", {})

    def save(self):
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.state, f)
        os.replace(self.path + ".tmp", self.path)

    def get(self, name):
        c = self.state["containers"].get(name)
        return dict(c, address="192.168.64.3/24" if c["state"] == "running" else None,
                    gateway="192.168.64.1" if c["state"] == "running" else None) if c else None

    def list(self, include_stopped):
        return [self.get(n) for n, c in sorted(self.state["containers"].items())
                if include_stopped or c["state"] == "running"]

    def create(self, req):
        if req["name"] in self.state["containers"]:
            raise CliError("exists", "container already exists: %s" % req["name"])
        command = ([req["entrypoint"]] if req["entrypoint"] else []) + req["args"]
        self.state["containers"][req["name"]] = {
            "name": req["name"], "image": req["image"], "labels": req["labels"], "state": "stopped",
            "started": None, "env": req["env"], "executable": command[0] if command else "",
            "arguments": command[1:], "workdir": req["workdir"], "volumes": req["volumes"], "cpus": req["cpus"],
            "memory": req["memory"], "created": time.time()}
        self.save()

    def record(self, name, missing="container with ID %s not found"):
        if name not in self.state["containers"]:
            raise CliError("notFound", missing % name)
        return self.state["containers"][name]

    def start(self, name):
        c = self.record(name, "get failed: container %s not found")
        for volume in c["volumes"]:
            if not os.path.exists(volume["source"]):
                raise CliError("invalidState", "mount source path '%s' does not exist" % volume["source"])
        if c["state"] != "running":
            c.update(state="running", started=time.time())
            self.save()

    def stop(self, name, seconds, sig):
        self.record(name)["state"] = "stopped"
        self.save()

    def kill(self, name, sig):
        if self.record(name)["state"] != "running":
            raise CliError("invalidState", "container %s is not running" % name)
        self.stop(name, 0, sig)

    def delete(self, name, force):
        if self.record(name)["state"] == "running" and not force:
            raise CliError("invalidState", "container %s is running and can not be deleted" % name)
        del self.state["containers"][name]
        self.save()

    def logs(self, name):
        """What a test wrote to logs/<name> next to the state file (nothing runs to write it)."""
        fcntl.flock(self.lock, fcntl.LOCK_UN)  # a follow must not hold every other call up
        return MemoryLog(os.path.join(os.path.dirname(self.path), "logs", name))

    def exec(self, name, argv):
        print(" ".join(argv))
        return 0

    def image_exists(self, ref):
        return ref in self.state["images"]

    def images(self):
        return [{"name": ref, "digest": "%064x" % abs(hash(ref)), "size": 1024} for ref in self.state["images"]]

    def image_delete(self, ref):
        if ref not in self.state["images"]:
            raise CliError("notFound", "image %s not found" % ref)
        self.state["images"].remove(ref)
        self.save()

    def build(self, tag, context):
        self.state["images"].append(tag)
        self.save()
        return 0

    def networks(self):
        return [{"name": "default", "labels": {"com.apple.container.resource.role": "builtin"},
                 "subnet": "192.168.64.0/24", "gateway": "192.168.64.1"}] + \
            [dict(n, name=name) for name, n in sorted(self.state["networks"].items())]

    def network_create(self, name, labels):
        if name in self.state["networks"]:
            raise CliError("exists", "network %s already exists" % name)
        self.state["networks"][name] = {"labels": labels, "subnet": "192.168.65.0/24", "gateway": "192.168.65.1"}
        self.save()

    def network_delete(self, name):
        if self.state["networks"].pop(name, None) is None:
            raise CliError("notFound", "network %s not found" % name)
        self.save()


class MemoryLog:
    def __init__(self, path):
        self.path = path

    def existing(self):
        text = open(self.path, encoding="utf-8").read() if os.path.exists(self.path) else ""
        return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []

    def follow(self):
        while True:
            time.sleep(1)
            yield from ()
