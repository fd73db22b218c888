"""Times the official Python SDK on the work of the Rust benchmarks and prints
both side by side. Run by compare.sh, inside a virtualenv that has
tencentcloud-sdk-python; the Rust figures are read from criterion's output.

The Python side does what the SDK does for a call, minus the network:
`CvmClient._call` with the HTTP send replaced by a function that returns the
built request (it builds the model's params, the headers or query, and signs
them), and for replies `json.loads` plus `DescribeInstancesResponse()._deserialize`,
the SDK's own reply path.
"""

import argparse
import json
import pathlib
import statistics
import timeit

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.cvm.v20170312 import cvm_client, models

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"


def client(sign_method, http_method):
    profile = ClientProfile(signMethod=sign_method, httpProfile=HttpProfile(reqMethod=http_method))
    cvm = cvm_client.CvmClient(credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", profile)
    # No network: the "send" hands back the signed request.
    cvm.request.send_request = lambda request: request
    return cvm


def prepare(cvm):
    def run():
        request = models.DescribeInstancesRequest()
        zone = models.Filter()
        zone.Name = "zone"
        zone.Values = ["ap-guangzhou-3", "ap-guangzhou-4"]
        request.Filters = [zone]
        request.Limit = 1
        request.Offset = 0
        return cvm._call("DescribeInstances", request._serialize(), headers=request.headers)

    return run


def decode(body):
    def run():
        reply = models.DescribeInstancesResponse()
        reply._deserialize(json.loads(body)["Response"])
        return reply

    return run


def median_seconds(function, repeat):
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def criterion_median(criterion_dir, group, name):
    estimates = criterion_dir / group / name / "new" / "estimates.json"
    return json.loads(estimates.read_text())["median"]["point_estimate"] * 1e-9


def show(seconds):
    return "%.2f ms" % (seconds * 1e3) if seconds >= 1e-3 else "%.2f µs" % (seconds * 1e6)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--criterion", type=pathlib.Path, required=True)
    parser.add_argument("--reply", type=pathlib.Path, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    body = args.reply.read_bytes()
    # The same reply must decode to the same instances on both sides.
    check = decode(body)()
    assert len(check.InstanceSet) == 100 and check.TotalCount == 100

    tc3 = prepare(client("TC3-HMAC-SHA256", "POST"))
    signed = tc3()
    assert signed.header["Authorization"].startswith("TC3-HMAC-SHA256 Credential=" + SECRET_ID)
    sha256_get = prepare(client("HmacSHA256", "GET"))
    assert "Signature" in sha256_get().data
    sha1_get = prepare(client("HmacSHA1", "GET"))

    group = "prepare_describe_instances"
    rows = [
        ("DescribeInstances, TC3 POST JSON", group, "tc3_post_json", tc3),
        ("DescribeInstances, HmacSHA256 GET", group, "hmac_sha256_get", sha256_get),
        ("DescribeInstances, HmacSHA1 GET (Rust: API 2.0)", group, "v2_hmac_sha1_get", sha1_get),
        ("Decode 100 instances (%d KB)" % (len(body) // 1000), "decode_describe_instances",
         "100_instances", decode(body)),
    ]
    print("| work | Rust (criterion median) | Python SDK (timeit median) | Python / Rust |")
    print("| --- | ---: | ---: | ---: |")
    for label, group, name, function in rows:
        rust = criterion_median(args.criterion, group, name)
        python = median_seconds(function, args.repeat)
        print("| %s | %s | %s | %.1f× |" % (label, show(rust), show(python), python / rust))


if __name__ == "__main__":
    main()
