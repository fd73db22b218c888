"""Writes the 100-instance DescribeInstances reply the decode benchmarks read.

The instance is the first example reply of api-spec/cvm/2017-03-12/actions/
DescribeInstances.json, repeated with varied ids and addresses. Deterministic:

    python3 tests/benches/python/make_reply.py > tests/fixtures/bench/describe_instances_100.json
"""

import copy
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[3]
COUNT = 100


def main():
    spec = json.loads((ROOT / "api-spec/cvm/2017-03-12/actions/DescribeInstances.json").read_text())
    template = spec["examples"][0]["response"]["Response"]["InstanceSet"][0]
    instances = []
    for i in range(COUNT):
        instance = copy.deepcopy(template)
        instance["InstanceId"] = "ins-%08x" % (0x1B3A0000 + i * 7919)
        instance["Uuid"] = "e85f1388-0422-410d-8e50-%012x" % (0xBEF540E78C18 + i)
        instance["InstanceName"] = "web-%03d" % i
        instance["PrivateIpAddresses"] = ["172.16.%d.%d" % (i // 250, i % 250 + 2)]
        instance["PublicIpAddresses"] = ["123.207.%d.%d" % (i // 250, i % 250 + 2)]
        instance["VirtualPrivateCloud"]["PrivateIpAddresses"] = instance["PrivateIpAddresses"]
        instance["SystemDisk"]["DiskId"] = "disk-s%07d" % i
        instance["DataDisks"][0]["DiskId"] = "disk-d%07d" % i
        instance["LatestOperationRequestId"] = "c7de1287-061d-4ace-8caf-%012d" % i
        instance["CPU"] = [1, 2, 4, 8][i % 4]
        instance["Memory"] = instance["CPU"] * 2
        instances.append(instance)
    reply = {
        "Response": {
            "InstanceSet": instances,
            "TotalCount": COUNT,
            "RequestId": "d655191e-a39d-43d2-8349-8c3f2bf4b327",
        }
    }
    json.dump(reply, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
