"""The fake's containers on the local Docker engine."""
import datetime
import json
import os
import re
import signal
import time

from fake_cli import LABEL, CliError

def docker_time(text):
    """Docker's RFC 3339 nanosecond time as epoch seconds; None for the zero time."""
    if not text or text.startswith("0001-"):
        return None
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    offset = m.group(3)
    if offset != "Z":
        sign = 1 if offset[0] == "+" else -1
        base -= sign * datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return base.timestamp() + float(m.group(2) or 0)


class Engine:
    """The Docker engine's HTTP API on its unix socket, for reads (the docker CLI does everything else)."""

    def __init__(self, path):
        self.path = path

    @staticmethod
    def local():
        host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        path = host[len("unix://"):] if host.startswith("unix://") else None
        return Engine(path) if path and os.access(path, os.R_OK | os.W_OK) else None

    def get(self, path):
        """GET over HTTP/1.0, so the body ends with the connection (no chunks), without http.client, whose
        imports cost more than the request."""
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(60)
            sock.connect(self.path)
            sock.sendall(("GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n" % path).encode("ascii"))
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, json.loads(body) if body.strip() else None


def quote(text):
    """Percent-encodes everything but unreserved characters (urllib.parse is slow to import)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-._~") else
                   "".join("%%%02X" % b for b in c.encode("utf-8")) for c in text)


class DockerBackend:
    def __init__(self, config):
        self.docker = config["docker"]
        self.prefix = config["prefix"]
        self.engine = Engine.local()

    def run(self, *args, check=False):
        import subprocess

        result = subprocess.run([self.docker] + list(args), capture_output=True, text=True)
        if check and result.returncode != 0:
            raise CliError("internalError", result.stderr.strip() or "docker %s failed" % args[0])
        return result

    def ref(self, name):
        return self.prefix + "-" + name

    def get(self, name):
        found = self.inspect([self.ref(name)])
        converted = self.convert(found)
        return converted[0] if converted else None

    def list(self, include_stopped):
        label = "%s=%s" % (LABEL, self.prefix)
        if self.engine:
            query = "/containers/json?all=%d&filters=%s" % (1 if include_stopped else 0,
                                                           quote(json.dumps({"label": [label]})))
            names = [c["Id"] for c in self.engine.get(query)[1]]
        else:
            args = ["ps", "--no-trunc", "--filter", "label=" + label, "--format", "{{.Names}}"]
            names = self.run(*(args[:1] + (["-a"] if include_stopped else []) + args[1:])).stdout.split()
        return self.convert(self.inspect(names)) if names else []

    def inspect(self, refs):
        """What `docker inspect` prints for the containers that exist. Reads go to the engine's API socket when
        it can be reached: a read is most of what Berth asks, and a docker CLI process per read costs the
        machine more than the engine's answer."""
        if not self.engine:
            return json.loads(self.run("inspect", "--type", "container", *refs).stdout or "[]")
        found = []
        for ref in refs:
            status, body = self.engine.get("/containers/%s/json" % quote(ref))
            if status == 200:
                found.append(body)
        return found

    def convert(self, inspected):
        containers = []
        for d in inspected:
            labels = dict(d["Config"].get("Labels") or {})
            if labels.pop(LABEL, None) != self.prefix:
                continue  # never someone else's
            state = d["State"]
            running = state["Status"] in ("running", "paused", "restarting")
            command = (d["Config"].get("Entrypoint") or []) + (d["Config"].get("Cmd") or [])
            net = d.get("NetworkSettings") or {}
            ip, gateway, prefix_len = net.get("IPAddress"), net.get("Gateway"), net.get("IPPrefixLen") or 16
            for attached in (net.get("Networks") or {}).values():
                if not ip and attached.get("IPAddress"):
                    ip, gateway = attached["IPAddress"], attached.get("Gateway")
                    prefix_len = attached.get("IPPrefixLen") or 16
            if ip and not gateway:
                gateway = ip.rsplit(".", 1)[0] + ".1"  # a fresh dockerd's bridge may list no gateway
            containers.append({
                "name": d["Name"].lstrip("/")[len(self.prefix) + 1:], "image": d["Config"]["Image"],
                "labels": labels, "state": "running" if running else "stopped",
                "started": docker_time(state.get("StartedAt")), "env": d["Config"].get("Env") or [],
                "executable": command[0] if command else "", "arguments": command[1:],
                "workdir": d["Config"].get("WorkingDir"), "created": docker_time(d["Created"]) or time.time(),
                "volumes": [{"source": m["Source"], "destination": m["Destination"],
                             "options": [] if m.get("RW", True) else ["ro"]} for m in d.get("Mounts") or []],
                "cpus": (d["HostConfig"].get("NanoCpus") or 0) // 1000000000 or None,
                "memory": d["HostConfig"].get("Memory") or None,
                "address": "%s/%d" % (ip, prefix_len) if running and ip else None,
                "gateway": gateway if running and ip else None})
        return containers

    def create(self, req):
        args = ["create", "--pull", "never", "--name", self.ref(req["name"]), "--label",
                "%s=%s" % (LABEL, self.prefix)]
        for key, value in req["labels"].items():
            args += ["--label", key + "=" + value]
        for env in req["env"]:
            args += ["-e", env]
        if req["workdir"]:
            args += ["-w", req["workdir"]]
        for v in req["volumes"]:  # --mount, unlike -v, does not create a missing source, like Apple's CLI
            args += ["--mount", "type=bind,source=%s,target=%s%s" % (v["source"], v["destination"],
                                                                    ",readonly" if "ro" in v["options"] else "")]
        if req["cpus"]:
            args += ["--cpus", req["cpus"]]
        if req["memory"]:
            args += ["-m", str(req["memory"])]
        if req["network"] and req["network"] != "default":
            args += ["--network", self.prefix + "-net-" + req["network"].split(",")[0]]
        for port in req["publish"]:
            args += ["-p", port]
        if req["user"]:
            args += ["-u", req["user"]]
        if req["read-only"]:
            args.append("--read-only")
        if req["rm"]:
            args.append("--rm")
        for cap in req["cap-add"]:
            args += ["--cap-add", cap]
        for cap in req["cap-drop"]:
            args += ["--cap-drop", cap]
        if req["entrypoint"]:
            args += ["--entrypoint", req["entrypoint"]]
        result = self.run(*(args + [req["image"]] + req["args"]))
        if result.returncode != 0:
            if "No such image" in result.stderr:
                raise CliError("notFound", "image %s not found" % req["image"])
            if "is already in use" in result.stderr:
                raise CliError("exists", "container already exists: %s" % req["name"])
            raise CliError("internalError", result.stderr.strip())

    def docker_error(self, name, result, missing="container with ID %s not found"):
        """The CLI's error for what Docker said about the container."""
        text = result.stderr.strip()
        if "No such container" in text:
            return CliError("notFound", missing % name)
        if "cannot remove a running container" in text.lower():
            return CliError("invalidState", "container %s is running and can not be deleted" % name)
        if "is not running" in text:
            return CliError("invalidState", "container %s is not running" % name)
        m = re.search(r"bind source path does not exist: (\S+)", text)
        if m:
            return CliError("invalidState", "mount source path '%s' does not exist" % m.group(1))
        return CliError("internalError", text or "docker failed")

    def start(self, name):
        result = self.run("start", self.ref(name))
        if result.returncode != 0:
            raise self.docker_error(name, result, "get failed: container %s not found")

    def stop(self, name, seconds, sig):
        if sig:
            self.run("kill", "-s", sig, self.ref(name))
        result = self.run("stop", "-t", str(seconds), self.ref(name))
        if result.returncode != 0:
            raise self.docker_error(name, result)

    def kill(self, name, sig):
        result = self.run("kill", "-s", sig, self.ref(name))
        if result.returncode != 0:
            raise self.docker_error(name, result)

    def delete(self, name, force):
        result = self.run(*(["rm"] + (["-f"] if force else []) + [self.ref(name)]))
        if result.returncode != 0:
            raise self.docker_error(name, result)

    def logs(self, name):
        """The container's output in the order Docker stored it. Like Apple's CLI, which tails the
        container's log file, this reads Docker's json-file log directly: a follower costs the engine
        nothing (twenty `docker logs -f` would each cost dockerd as much as the writer)."""
        found = self.inspect([self.ref(name)])
        path = found[0].get("LogPath", "") if found else ""
        if path and os.access(path, os.R_OK):
            return JsonLog(path)
        return CliLog(self.docker, self.ref(name))

    def exec(self, name, argv):
        import subprocess

        return subprocess.run([self.docker, "exec", self.ref(name)] + argv).returncode

    def image_exists(self, ref):
        return self.run("image", "inspect", ref).returncode == 0

    def images(self):
        out = self.run("image", "ls", "--format", "{{json .}}").stdout
        images = []
        for line in out.splitlines():
            d = json.loads(line)
            if d["Repository"] != "<none>":
                images.append({"name": d["Repository"] + ":" + d["Tag"], "digest": d["ID"], "size": 1024})
        return images

    def image_delete(self, ref):
        if not ref.startswith(self.prefix):
            raise CliError("unsupported", "the fake removes only images named %s..." % self.prefix)
        if self.run("image", "rm", ref).returncode != 0:
            raise CliError("notFound", "image %s not found" % ref)

    def build(self, tag, context):
        if not tag.startswith(self.prefix):
            raise CliError("invalidArgument", "the fake builds only images named %s..." % self.prefix)
        import subprocess

        return subprocess.run([self.docker, "build", "-q", "-t", tag, context]).returncode

    def networks(self):
        names = self.run("network", "ls", "--filter", "label=%s=%s" % (LABEL, self.prefix), "--format",
                         "{{.Name}}").stdout.split()
        found = json.loads(self.run("network", "inspect", *names).stdout or "[]") if names else []
        result = [{"name": "default", "labels": {"com.apple.container.resource.role": "builtin"},
                   "subnet": "172.17.0.0/16", "gateway": "172.17.0.1"}]
        for d in found:
            labels = dict(d.get("Labels") or {})
            labels.pop(LABEL, None)
            ipam = ((d.get("IPAM") or {}).get("Config") or [{}])[0]
            result.append({"name": d["Name"][len(self.prefix) + 5:], "labels": labels,
                           "subnet": ipam.get("Subnet", ""), "gateway": ipam.get("Gateway", "")})
        return result

    def network_create(self, name, labels):
        args = ["network", "create", "--label", "%s=%s" % (LABEL, self.prefix)]
        for key, value in labels.items():
            args += ["--label", key + "=" + value]
        result = self.run(*(args + [self.prefix + "-net-" + name]))
        if result.returncode != 0:
            raise CliError("exists", "network %s already exists" % name)

    def network_delete(self, name):
        if self.run("network", "rm", self.prefix + "-net-" + name).returncode != 0:
            raise CliError("notFound", "network %s not found" % name)


class JsonLog:
    """A Docker json-file log: existing() reads what is stored, follow() then waits for more, forever."""

    def __init__(self, path):
        self.file = open(path, "rb")
        self.pending = ""

    def _records(self, wait):
        while True:
            raw = self.file.readline()
            if not raw.endswith(b"\n"):
                if raw:
                    self.file.seek(-len(raw), os.SEEK_CUR)  # a record half written: read it again whole
                if not wait:
                    return
                time.sleep(0.05)
                continue
            text = json.loads(raw).get("log", "")
            if text.endswith("\n"):  # a record without one is the first piece of a long line
                yield self.pending + text[:-1]
                self.pending = ""
            else:
                self.pending += text

    def existing(self):
        return list(self._records(False))

    def follow(self):
        return self._records(True)


class CliLog:
    """The log through `docker logs` where the json file cannot be read (another log driver, no access)."""

    def __init__(self, docker, ref):
        self.docker, self.ref = docker, ref

    def existing(self):
        import subprocess

        result = subprocess.run([self.docker, "logs", self.ref], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return result.stdout.decode("utf-8", "replace").split("\n")[:-1]

    def follow(self):
        import subprocess

        child = subprocess.Popen([self.docker, "logs", "-f", "--tail", "0", self.ref], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        for raw in iter(child.stdout.readline, b""):
            yield raw.decode("utf-8", "replace").rstrip("\n")
        child.wait()
        while True:
            time.sleep(1)


def die_with_parent():
    """The docker child of a follow dies with the fake, even when the fake is killed with SIGKILL."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
