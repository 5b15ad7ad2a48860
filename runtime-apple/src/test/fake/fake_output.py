"""The JSON and tables the real CLI prints, made from the fake's container records."""
import datetime
import json

from fake_cli import FOUNDATION_EPOCH, MIB

def iso(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def container_json(c, shape):
    """c: name, image, labels, state, started (epoch or None), env, executable, arguments, workdir, volumes,
    cpus, memory, address (cidr or None), gateway, created (epoch)."""
    config = {"id": c["name"], "image": {"reference": c["image"], "descriptor": {
        "digest": "sha256:" + "0" * 64, "mediaType": "application/vnd.oci.image.index.v1+json", "size": 1024}},
        "labels": c["labels"], "initProcess": {"executable": c["executable"], "arguments": c["arguments"],
        "environment": c["env"], "workingDirectory": c["workdir"] or "/", "terminal": False,
        "user": {"id": {"uid": 0, "gid": 0}}, "supplementalGroups": [], "rlimits": []},
        "mounts": [{"type": {"virtiofs": {}}, "source": v["source"], "destination": v["destination"],
                    "options": v["options"]} for v in c["volumes"]],
        "resources": {"cpus": int(c["cpus"] or 4), "memoryInBytes": c["memory"] or 1024 * MIB, "cpuOverhead": 1},
        "networks": [{"network": "default", "options": {"hostname": c["name"]}}],
        "platform": {"os": "linux", "architecture": "arm64"}, "publishedPorts": [], "publishedSockets": [],
        "sysctls": {}, "rosetta": False, "runtimeHandler": "container-runtime-linux", "virtualization": False,
        "ssh": False, "readOnly": False, "useInit": False, "capAdd": [], "capDrop": []}
    if shape == "pre-1.0":
        networks = [{"network": "default", "hostname": c["name"], "address": c["address"],
                     "gateway": c["gateway"]}] if c["address"] else []
        entry = {"status": c["state"], "configuration": config, "networks": networks}
        if c["started"] is not None:
            entry["startedDate"] = c["started"] - FOUNDATION_EPOCH
        return entry
    config["creationDate"] = iso(c["created"])
    networks = [{"network": "default", "hostname": c["name"], "ipv4Address": c["address"],
                 "ipv4Gateway": c["gateway"], "macAddress": "02:42:ac:11:00:02", "mtu": 1500}] if c["address"] else []
    status = {"state": c["state"], "networks": networks}
    if c["started"] is not None:
        status["startedDate"] = iso(c["started"])
    return {"id": c["name"], "configuration": config, "status": status}


def print_containers(containers, shape, pretty, garble=False):
    if garble:  # a CLI that printed something Berth cannot read
        print('[{"id": "half-written",')
        return
    items = [container_json(c, shape) for c in containers]
    if shape == "pre-1.0":
        print(json.dumps(items, separators=(",", ":")))
    elif pretty:
        print(json.dumps(items, sort_keys=True, indent=2))
    else:
        print(json.dumps(items, sort_keys=True, separators=(",", ":")))
