"""The official Python SDK's side of the full-call benchmark
(tests/benches/full_call.rs): complete DescribeInstances calls through
CvmClient against the benchmark's local server, over HTTP/1.1 keep-alive.

Prints JSON: the client CPU time per call (time.process_time, all threads)
and calls/s, at concurrency 1 and at 32 (32 threads, a client each).
"""

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.cvm.v20170312 import cvm_client, models

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
CONCURRENCY = 32


def client(port):
    http = HttpProfile(protocol="http", endpoint=f"127.0.0.1:{port}", reqMethod="POST", keepAlive=True)
    profile = ClientProfile(httpProfile=http)
    return cvm_client.CvmClient(credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", profile)


def call(cvm):
    request = models.DescribeInstancesRequest()
    request.Limit = 1
    reply = cvm.DescribeInstances(request)
    assert len(reply.InstanceSet) == 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--calls", type=int, default=1600)
    args = parser.parse_args()

    cvm = client(args.port)
    for _ in range(50):
        call(cvm)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.calls):
        call(cvm)
    cpu_per_call = (time.process_time() - cpu) / args.calls
    c1 = args.calls / (time.perf_counter() - wall)

    clients = [client(args.port) for _ in range(CONCURRENCY)]
    for c in clients:
        call(c)
    per_thread = args.calls // CONCURRENCY

    def run(c):
        for _ in range(per_thread):
            call(c)

    cpu, wall = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(run, clients))
    c32 = per_thread * CONCURRENCY / (time.perf_counter() - wall)
    cpu_per_call_c32 = (time.process_time() - cpu) / (per_thread * CONCURRENCY)

    from importlib.metadata import version

    print(json.dumps({
        "sdk": "tencentcloud-sdk-python-cvm " + version("tencentcloud-sdk-python-cvm"),
        "cpu_us_per_call": cpu_per_call * 1e6,
        "cpu_us_per_call_c32": cpu_per_call_c32 * 1e6,
        "calls_per_s_c1": c1,
        "calls_per_s_c32": c32,
    }))


if __name__ == "__main__":
    main()
