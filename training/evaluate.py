"""Evaluate an exported model (model.onnx + tokens.txt) through sherpa-onnx-node.

    /usr/bin/python3 training/evaluate.py --model-dir models/earshot-en-small \
        --data /tmp/earshot-data --out /tmp/earshot-eval.json

Sets (greedy CTC, one stream at a time, one thread, 0.66 s of trailing silence):
  espeak_heldout  held-out sentences by held-out espeak-ng voices en-us+m7, en-gb+f4  (WER, CER)
  flite_rms       the same sentences by the held-out flite voice rms                  (WER, CER)
  fsdd_test       all 1000 FSDD clips of theo and yweweler (8 kHz, the runtime resamples):
                  digit accuracy = hypothesis is exactly the digit word
  jfk             ../shared/data/real-speech/jfk.wav, hypothesis as is
RTF: decode seconds / audio seconds summed over each set, wall-clock and CPU time (the CPU
figure is the fair one on a shared machine); "x real time" is its inverse.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from textgen import DIGITS  # noqa: E402

JFK_REF = ("and so my fellow americans ask not what your country can do for you ask what you "
           "can do for your country")


def edit_distance(r, h):
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)]


def error_rates(refs, hyps):
    we = sum(edit_distance(r.split(), h.split()) for r, h in zip(refs, hyps))
    ce = sum(edit_distance(r, h) for r, h in zip(refs, hyps))
    return we / sum(len(r.split()) for r in refs), ce / sum(len(r) for r in refs)


def decode(model_dir, paths, node_modules):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    env = dict(os.environ, NODE_PATH=node_modules)
    out = subprocess.run(["node", os.path.join(HERE, "sherpa_decode.cjs"), model_dir, f.name],
                         check=True, capture_output=True, text=True, env=env).stdout
    os.unlink(f.name)
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def rtf(res):
    """Real-time factors: wall-clock and CPU time (one thread) per second of audio."""
    audio_s = sum(r["audio_s"] for r in res)
    return {"wall": sum(r["decode_s"] for r in res) / audio_s,
            "cpu": sum(r["cpu_s"] for r in res) / audio_s}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--data", default="/tmp/earshot-data")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    ap.add_argument("--node-modules", default=os.path.join(HERE, "..", "node_modules"))
    ap.add_argument("--out", default="/tmp/earshot-eval.json")
    ap.add_argument("--fsdd-limit", type=int, default=0, help="0 = all 1000 test clips")
    a = ap.parse_args()
    report, hyps_out = {}, {}

    for name in ["espeak_heldout", "flite_rms"]:
        rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(a.data, "eval",
                                                                        name + ".tsv"))]
        res = decode(a.model_dir, [os.path.join(a.data, p) for p, _ in rows], a.node_modules)
        refs, hyps = [t for _, t in rows], [r["text"] for r in res]
        w, c = error_rates(refs, hyps)
        report[name] = {"utts": len(rows), "wer": w, "cer": c, "rtf": rtf(res)}
        hyps_out[name] = [{"ref": r, "hyp": h} for r, h in zip(refs, hyps)]

    files = sorted(f for s in ["theo", "yweweler"] for f in
                   glob.glob(os.path.join(a.shared, "data", "fsdd", "recordings", f"*_{s}_*.wav")))
    if a.fsdd_limit:
        files = files[: a.fsdd_limit]
    res = decode(a.model_dir, files, a.node_modules)
    refs = [DIGITS[int(os.path.basename(f).split("_")[0])] for f in files]
    hyps = [r["text"] for r in res]
    per_spk = {}
    for f, r, h in zip(files, refs, hyps):
        s = os.path.basename(f).split("_")[1]
        per_spk.setdefault(s, []).append(r == h)
    report["fsdd_test"] = {"utts": len(files), "digit_acc": sum(r == h for r, h in
                                                                zip(refs, hyps)) / len(files),
                           "per_speaker": {s: sum(v) / len(v) for s, v in per_spk.items()},
                           "rtf": rtf(res)}
    hyps_out["fsdd_test"] = [{"file": os.path.basename(f), "ref": r, "hyp": h}
                             for f, r, h in zip(files, refs, hyps)]

    jfk = os.path.join(a.shared, "data", "real-speech", "jfk.wav")
    res = decode(a.model_dir, [jfk], a.node_modules)
    w, c = error_rates([JFK_REF], [res[0]["text"]])
    report["jfk"] = {"hyp": res[0]["text"], "wer": w, "cer": c, "rtf": rtf(res)}

    report["model_bytes"] = sum(os.path.getsize(p) for p in glob.glob(os.path.join(a.model_dir, "*.onnx")))
    print(json.dumps(report, indent=1))
    with open(a.out, "w") as f:
        json.dump({"report": report, "hyps": hyps_out}, f, indent=1)


if __name__ == "__main__":
    main()
