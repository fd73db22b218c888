"""Times the official Python SDK's stream reader on the bytes of the Rust
stream benchmark (tests/benches/stream.rs) and prints both side by side,
in events/s and MB/s. Run by compare_stream.sh, inside a virtualenv that has
tencentcloud-sdk-python-common and -hunyuan; the Rust figures are read from
criterion's output.

The Python side does what the SDK does for a streamed call once the bytes
arrive: `AbstractClient._process_response_sse` over a `requests.Response`
whose body is the stream (the SDK reads it with `iter_lines`), then, for the
typed row, `json.loads` of each event's data and
`ChatCompletionsResponse()._deserialize`, the SDK's model path.
"""

import argparse
import io
import json
import pathlib
import statistics
import timeit

import requests
from tencentcloud.common.abstract_client import AbstractClient
from tencentcloud.hunyuan.v20230901 import models


def response(body):
    reply = requests.Response()
    reply.status_code = 200
    reply.headers["Content-Type"] = "text/event-stream"
    reply.raw = io.BytesIO(body)
    return reply


def reader(body):
    def run():
        return sum(1 for _ in AbstractClient._process_response_sse(response(body)))

    return run


def typed(body):
    def run():
        events = []
        for event in AbstractClient._process_response_sse(response(body)):
            model = models.ChatCompletionsResponse()
            model._deserialize(json.loads(event["data"]))
            events.append(model)
        return events

    return run


def median_seconds(function, repeat):
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number))


def criterion_median(criterion_dir, group, name):
    estimates = criterion_dir / group / name / "new" / "estimates.json"
    return json.loads(estimates.read_text())["median"]["point_estimate"] * 1e-9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--criterion", type=pathlib.Path, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    body = (args.criterion / "stream_chat_1mb.sse").read_bytes()
    events = typed(body)()
    # The same stream must give the same events on both sides.
    assert len(events) == body.count(b"\n\n")
    assert all(event.Choices[0].Delta.Content for event in events)
    count = len(events)
    megabytes = len(body) / 1e6

    group = "stream_chat_completions_1mb"
    rows = [
        ("Typed ChatCompletions events", "typed_events", typed(body)),
        ("Event-stream reader only", "sse_reader_16k_reads", reader(body)),
    ]
    print("%d events, %.2f MB" % (count, megabytes))
    print("| work | Rust (criterion median) | Python SDK (timeit median) | Python / Rust |")
    print("| --- | ---: | ---: | ---: |")
    for label, name, function in rows:
        rust = criterion_median(args.criterion, group, name)
        python = median_seconds(function, args.repeat)
        show = lambda s: "%.2f ms: %s events/s, %.1f MB/s" % (
            s * 1e3, format(int(count / s), ","), megabytes / s)
        print("| %s | %s | %s | %.1f× |" % (label, show(rust), show(python), python / rust))


if __name__ == "__main__":
    main()
