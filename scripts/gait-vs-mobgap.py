#!/usr/bin/env python3
"""Amble's gait analysis against mobgap (the Mobilise-D pipelines) and the INDIP lab reference.

    python3 scripts/gait-vs-mobgap.py VENV_DIR [--amble-bin PATH] [--out DIR] [--variants] [--hour]

Creates a Python virtual environment in VENV_DIR (when it has no mobgap yet), installs
mobgap 1.2.0 from PyPI into it, downloads mobgap's source package (its `example_data/` holds the
lab recordings of three participants, HA 001, HA 002 and MS 001, with the INDIP reference) and
runs itself again inside the environment. Then, for each of the nine recordings:

- mobgap's universal pipeline (P1 for the healthy adults, P2 for the person with multiple
  sclerosis) gives its walking bouts;
- Amble (the `gait_json` example of amble-gait, built with cargo unless --amble-bin is given)
  reads the same samples written as Amble's CSV (accelerometer and gyroscope), and with
  --variants also phone-style copies: turned in space, in g, resampled to 50 Hz with uneven
  timing, and without the gyroscope (as a phone export without one; also at 50 Hz, uneven);
- per bout, Amble against mobgap (start and end within 0.5 s, cadence within 1 step/min,
  stride within 0.03 m) and both against INDIP (each reference bout matched to the bout that
  overlaps it most): absolute errors per recording, weighted by the reference bouts'
  durations, and over all recordings.

With --hour it also times both on one hour of data (the daily-life recording of HA 001 tiled
end to end; mobgap's pipeline runs on the samples in memory, and Amble's analysis is timed the
same way and, apart, with reading the CSV text; give a release build with --amble-bin for the
figures that count).

Prints a Markdown table (for docs/gait.md) and writes `results.json` to --out (default
VENV_DIR/results). mobgap is Apache-2.0; its data are the Mobilise-D Technical Validation Study
lab subset it ships.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

MOBGAP = "mobgap==1.2.0"
REPO = Path(__file__).resolve().parent.parent
G = 9.80665
# Agreement per bout between Amble and mobgap.
TOL_START_END_S = 0.5
TOL_CADENCE_SPM = 1.0
TOL_STRIDE_M = 0.03


def bootstrap(venv: Path) -> None:
    """Creates the environment, installs mobgap and unpacks its example data; re-runs inside."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import mobgap"], capture_output=True)
    if check.returncode != 0:
        print(f"installing {MOBGAP} (a few minutes)", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", MOBGAP], check=True)
    data = venv / "mobgap-example-data"
    if not (data / "data" / "lab").is_dir():
        sdist_dir = venv / "sdist"
        subprocess.run(
            [str(python), "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps",
             MOBGAP, "-d", str(sdist_dir)],
            check=True,
        )
        sdist = next(sdist_dir.glob("mobgap-*.tar.gz"))
        with tarfile.open(sdist) as tar:
            prefix = sdist.name.removesuffix(".tar.gz") + "/example_data/"
            members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
            for m in members:
                m.name = m.name[len(prefix):]
            data.mkdir(parents=True, exist_ok=True)
            tar.extractall(data, members=members, filter="data")
    os.execv(str(python), [str(python), __file__, *sys.argv[1:], "--inside"])


def amble_binary(given):
    if given:
        return Path(given)
    subprocess.run(
        ["cargo", "build", "-q", "-p", "amble-gait", "--example", "gait_json"],
        cwd=REPO,
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "examples" / "gait_json"


def write_csv(path: Path, times, acc, in_g=False, gyr=None) -> None:
    """Amble's CSV: accelerations (m/s², or g), and the gyroscope (deg/s) when given."""
    scale = 1.0 / G if in_g else 1.0
    with open(path, "w") as f:
        f.write("time_s,acc_x,acc_y,acc_z" + (",gyr_x,gyr_y,gyr_z\n" if gyr is not None else "\n"))
        for k, (t, a) in enumerate(zip(times, acc)):
            row = f"{t:.5f},{a[0] * scale:.6f},{a[1] * scale:.6f},{a[2] * scale:.6f}"
            if gyr is not None:
                w = gyr[k]
                row += f",{w[0]:.5f},{w[1]:.5f},{w[2]:.5f}"
            f.write(row + "\n")


def rotation(deg_x: float, deg_z: float):
    import numpy as np

    ax, az = math.radians(deg_x), math.radians(deg_z)
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    return rz @ rx


def variants(acc, gyr, fs):
    """(name, times, acc, in_g, gyr) for the recording as it is and its phone-style copies (the
    gyroscope turned, resampled or left out with the accelerations)."""
    import numpy as np

    n = len(acc)
    t = np.arange(n) / fs
    out = [("as recorded", t, acc, False, gyr)]
    r = rotation(40, 70)
    out.append(("turned 40° and 70°", t, acc @ r.T, False, gyr @ r.T))
    out.append(("in g", t, acc, True, gyr))
    # 50 Hz with uneven timing: each sample up to 30 % of an interval early or late.
    rng = np.random.default_rng(25)
    dt = 1 / 50
    t50 = np.arange(0, t[-1], dt) + rng.uniform(-0.3, 0.3, size=len(np.arange(0, t[-1], dt))) * dt
    t50 = np.clip(np.sort(t50), 0, t[-1])
    a50 = np.stack([np.interp(t50, t, acc[:, k]) for k in range(3)], axis=1)
    g50 = np.stack([np.interp(t50, t, gyr[:, k]) for k in range(3)], axis=1)
    out.append(("50 Hz, uneven", t50, a50, False, g50))
    out.append(("no gyroscope", t, acc, False, None))
    out.append(("no gyroscope, 50 Hz, uneven", t50, a50, False, None))
    return out


def run_amble(binary: Path, csv: Path, sensor_height: float, in_g: bool):
    cmd = [str(binary), str(csv), f"{sensor_height}"]
    if in_g:
        cmd += ["--acc-unit", "g"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def against_reference(bouts, ref):
    """Duration-weighted absolute errors over the reference bouts; a missed bout counts in
    `missed` (and not in the errors)."""
    sums = {"cadence": 0.0, "stride": 0.0, "speed": 0.0}
    weight = 0.0
    missed = 0
    rows = []
    for r in ref:
        best = max(bouts, key=lambda b: overlap(b["start_s"], b["end_s"], r["start_s"], r["end_s"]),
                   default=None)
        if best is None or overlap(best["start_s"], best["end_s"], r["start_s"], r["end_s"]) <= 0:
            missed += 1
            continue
        w = r["end_s"] - r["start_s"]
        e = {
            "cadence": abs(best["cadence_spm"] - r["cadence_spm"]),
            "stride": abs(best["stride_length_m"] - r["stride_length_m"]),
            "speed": abs(best["speed_mps"] - r["speed_mps"]),
        }
        for k in sums:
            if not math.isnan(e[k]):
                sums[k] += w * e[k]
        weight += w
        rows.append({**e, "weight": w})
    errors = {k: (v / weight if weight else float("nan")) for k, v in sums.items()}
    return {"errors": errors, "weight": weight, "missed": missed, "bouts": len(ref), "rows": rows}


def agreement(amble, mobgap):
    """How many of mobgap's bouts Amble finds within the tolerances (start/end, cadence,
    stride)."""
    same_time = same_all = 0
    for m in mobgap:
        for a in amble:
            if abs(a["start_s"] - m["start_s"]) <= TOL_START_END_S and abs(a["end_s"] - m["end_s"]) <= TOL_START_END_S:
                same_time += 1
                if (abs(a["cadence_spm"] - m["cadence_spm"]) <= TOL_CADENCE_SPM
                        and abs(a["stride_length_m"] - m["stride_length_m"]) <= TOL_STRIDE_M):
                    same_all += 1
                break
    return {"mobgap_bouts": len(mobgap), "same_start_end": same_time, "same_all": same_all}


def weighted(results, who):
    """Duration-weighted errors over all rows of all recordings."""
    sums = {"cadence": 0.0, "stride": 0.0, "speed": 0.0}
    weight = 0.0
    for r in results:
        for row in r[who]["rows"]:
            for k in sums:
                if not math.isnan(row[k]):
                    sums[k] += row["weight"] * row[k]
            weight += row["weight"]
    return {k: v / weight for k, v in sums.items()} if weight else None


def inside(args) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    import numpy as np
    from mobgap.data import GenericMobilisedDataset
    from mobgap.pipeline import MobilisedPipelineUniversal

    venv = Path(args.venv)
    out_dir = Path(args.out) if args.out else venv / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    lab = venv / "mobgap-example-data" / "data" / "lab"
    ds = GenericMobilisedDataset(
        sorted(lab.glob("*/*/data.mat")),
        GenericMobilisedDataset.COMMON_TEST_LEVEL_NAMES["tvs_lab"],
        ["cohort", "participant_id"],
        measurement_condition="laboratory",
        reference_system="INDIP",
        reference_para_level="wb",
    )
    binary = amble_binary(args.amble_bin)
    results = []
    for dp in ds:
        label = dp.group_label
        name = f"{label.cohort}_{label.participant_id}_{label.test}_{label.trial}"
        fs = dp.sampling_rate_hz
        height = dp.participant_metadata["sensor_height_m"]
        ref_wb = dp.reference_parameters_.wb_list
        ref = [
            {"start_s": row.start / fs, "end_s": row.end / fs, "cadence_spm": row.avg_cadence_spm,
             "stride_length_m": row.avg_stride_length_m, "speed_mps": row.avg_walking_speed_mps}
            for row in ref_wb.itertuples()
        ]
        started = time.perf_counter()
        pipe = MobilisedPipelineUniversal().safe_run(dp)
        mobgap_s = time.perf_counter() - started
        wb = pipe.per_wb_parameters_
        mob = [
            {"start_s": row.start / fs, "end_s": row.end / fs, "cadence_spm": row.cadence_spm,
             "stride_length_m": row.stride_length_m, "speed_mps": row.walking_speed_mps}
            for row in wb.itertuples()
        ]
        acc = dp.data_ss[["acc_x", "acc_y", "acc_z"]].to_numpy()
        gyr = dp.data_ss[["gyr_x", "gyr_y", "gyr_z"]].to_numpy()
        entry = {
            "recording": name,
            "cohort": label.cohort,
            "duration_s": len(acc) / fs,
            "mobgap_s": mobgap_s,
            "mobgap": against_reference(mob, ref),
            "variants": {},
        }
        chosen = variants(acc, gyr, fs) if args.variants else variants(acc, gyr, fs)[:1]
        for vname, t, a, in_g, w in chosen:
            slug = "".join(c if c.isalnum() else "-" for c in vname.replace("°", "")).strip("-")
            csv = out_dir / f"{name}-{slug}.csv"
            write_csv(csv, t, a, in_g, w)
            res = run_amble(binary, csv, height, in_g)
            entry["variants"][vname] = {
                "amble_s": res["analysis_s"],
                "reference": against_reference(res["bouts"], ref),
                "vs_mobgap": agreement(res["bouts"], mob),
            }
        entry["amble"] = entry["variants"]["as recorded"]["reference"]
        results.append(entry)
        print(f"{name}: done", file=sys.stderr)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1))
    report(results)
    if args.hour:
        hour(ds, binary, out_dir)


def hour(ds, binary, out_dir) -> None:
    """mobgap's P1 and Amble on one hour: the daily-life recording tiled end to end."""
    import numpy as np
    import pandas as pd
    from mobgap.data import GaitDatasetFromData
    from mobgap.pipeline import MobilisedPipelineHealthy

    dp = next(d for d in ds if d.group_label.participant_id == "001" and d.group_label.cohort == "HA"
              and d.group_label.test == "Test11")
    fs = dp.sampling_rate_hz
    n = int(3600 * fs)
    raw = dp.data_ss
    reps = -(-n // len(raw))
    data = pd.DataFrame(np.tile(raw.to_numpy(), (reps, 1))[:n], columns=raw.columns)
    one = GaitDatasetFromData(
        {("hour",): {"LowerBack": data}}, fs, {("hour",): dp.participant_metadata},
        {("hour",): dp.recording_metadata},
    )[0]
    started = time.perf_counter()
    MobilisedPipelineHealthy().safe_run(one)
    mobgap_s = time.perf_counter() - started
    csv = out_dir / "hour.csv"
    acc = data[["acc_x", "acc_y", "acc_z"]].to_numpy()
    write_csv(csv, np.arange(n) / fs, acc, gyr=data[["gyr_x", "gyr_y", "gyr_z"]].to_numpy())
    started = time.perf_counter()
    res = run_amble(binary, csv, dp.participant_metadata["sensor_height_m"], False)
    amble_process_s = time.perf_counter() - started
    # mobgap's time is its pipeline on samples already in memory; Amble's like it is
    # `analyse_s`. Reading the 24 MB of text (which mobgap never does here) is shown apart.
    print(
        f"\nOne hour at {fs:.0f} Hz: mobgap P1 {mobgap_s:.1f} s on the samples in memory; Amble "
        f"{res['analyse_s']:.3f} s the same way ({mobgap_s / res['analyse_s']:.0f}× faster), "
        f"{res['analysis_s']:.3f} s with reading the CSV text ({mobgap_s / res['analysis_s']:.0f}×), "
        f"{amble_process_s:.3f} s the whole process ({mobgap_s / amble_process_s:.0f}×)."
    )


def fmt(e):
    return f"{e['cadence']:.1f} / {e['stride']:.3f} / {e['speed']:.3f}"


def report(results) -> None:
    print("| recording | reference bouts | mobgap: cadence / stride / speed | Amble | Amble bouts as mobgap's (start-end / all) |")
    print("|---|---|---|---|---|")
    for r in results:
        v = r["variants"]["as recorded"]
        ag = v["vs_mobgap"]
        print(
            f"| {r['recording']} | {r['amble']['bouts']} ({r['mobgap']['missed']} / {r['amble']['missed']} missed) "
            f"| {fmt(r['mobgap']['errors'])} | {fmt(r['amble']['errors'])} "
            f"| {ag['same_start_end']} / {ag['same_all']} of {ag['mobgap_bouts']} |"
        )
    for cohort in ("HA", "MS", None):
        rs = [r for r in results if cohort is None or r["cohort"] == cohort]
        m, a = weighted(rs, "mobgap"), weighted(rs, "amble")
        if m and a:
            print(f"| **duration-weighted {cohort or 'all'}** | | {fmt(m)} | {fmt(a)} | |")
    names = list(results[0]["variants"])
    if len(names) > 1:
        print()
        print("| variant | Amble, duration-weighted over all recordings | worse than mobgap's on |")
        print("|---|---|---|")
        m = weighted(results, "mobgap")
        for n in names:
            rs = [{"amble": r["variants"][n]["reference"]} for r in results]
            a = weighted(rs, "amble")
            worse = [
                r["recording"] for r in results
                if any(r["variants"][n]["reference"]["errors"][k] > r["mobgap"]["errors"][k] + 1e-9
                       for k in ("cadence", "stride", "speed"))
            ]
            print(f"| {n} | {fmt(a)} (mobgap {fmt(m)}) | {', '.join(worse) or 'none'} |")
    mob_s = sum(r["mobgap_s"] for r in results)
    amb_s = sum(r["variants"]["as recorded"]["amble_s"] for r in results)
    dur = sum(r["duration_s"] for r in results)
    print(f"\nAnalysis time for {dur:.0f} s of data: mobgap {mob_s:.1f} s, Amble {amb_s:.3f} s (reading included).")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("venv", help="where the virtual environment with mobgap is (created if missing)")
    p.add_argument("--amble-bin", help="the gait_json example binary (default: built with cargo)")
    p.add_argument("--out", help="where CSVs and results.json go (default VENV/results)")
    p.add_argument("--variants", action="store_true", help="also the phone-style copies")
    p.add_argument("--hour", action="store_true", help="also time both on one hour of data")
    p.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.inside:
        inside(args)
    else:
        bootstrap(Path(args.venv).resolve())


if __name__ == "__main__":
    main()
