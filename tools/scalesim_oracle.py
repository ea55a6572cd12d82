#!/usr/bin/env python3
"""Independent oracle for ember-cost scalesim: re-derives SCALE-Sim v2's compute report
by building the *shapes* of the demand matrices exactly as scalesim/compute/
systolic_compute_{os,ws,is}.py build the matrices (prefix/suffix null rows, skew),
fold by fold, with SCALE-Sim's own topology arithmetic (topology_utils.py) and
report formulas (single_layer_sim.py, simulator.py). No numpy, no ember code.

    python3 tools/scalesim_oracle.py CONFIG.cfg TOPOLOGY.csv [gemm|conv] > expected.csv

Used to write tests/data/cost/expected_*.csv; the Total Cycles it prints for the
calibration layers equal the SCALE-Sim runs in scalesim_calibration.csv."""
import configparser
import math
import sys


def skew_rows(rows, cols):
    # skew_matrix() pads column c with c rows above and cols-1-c below: rows + cols - 1
    return rows + cols - 1


def layer_report(df, R, C, ifmap_h, ifmap_w, filt_h, filt_w, ch, nf, sh, sw):
    ofmap_h = int(math.ceil((ifmap_h - filt_h + sh) / sh))
    ofmap_w = int(math.ceil((ifmap_w - filt_w + sw) / sw))
    px = ofmap_h * ofmap_w            # rows of the ifmap / ofmap operand matrices
    window = filt_h * filt_w * ch     # cols of the ifmap operand, rows of the filter operand
    if df == 'os':
        Sr, Sc, T = px, nf, window
    elif df == 'ws':
        Sr, Sc, T = window, nf, px
    else:
        Sr, Sc, T = window, px, nf
    row_fold = math.ceil(Sr / R)
    col_fold = math.ceil(Sc / C)
    lines = 0
    map_eff, comp_util = [], []
    for fc in range(col_fold):
        for fr in range(row_fold):
            row_used = min(R, Sr - fr * R)
            col_used = min(C, Sc - fc * C)
            if df == 'os':
                ifmap = skew_rows(T + (C - 1), R)              # T x R, + (C-1) suffix, skew over R cols
                filt = skew_rows(T + (R - 1), C)               # T x C, + (R-1) suffix, skew over C cols
                ofm_pre = (T - 1) + R                          # (T-1) prefix + R rows, C cols
                ofmap = skew_rows(ofm_pre, C)
                util_cycles = ofm_pre + C - 1
            elif df == 'ws':
                ifmap = skew_rows(R + T + (C - 1), R)          # R prefix, T rows, C-1 suffix; skew over R
                filt_pre = R + (R + C + T - 2)                 # R rows + suffix, no skew
                filt = filt_pre
                ofmap = skew_rows((2 * R - 1) + T, C)          # 2R-1 prefix + T rows; skew over C
                util_cycles = filt_pre + C - 1
            else:
                ifm_pre = R + (R + C + T - 2)                  # R rows + suffix, no skew
                ifmap = ifm_pre
                filt = skew_rows(R + T + (C - 1), R)           # R prefix, T rows, C-1 suffix; skew over R
                ofmap = skew_rows((2 * R - 1) + T, C)
                util_cycles = ifm_pre + C - 1
            assert ifmap == filt == ofmap, 'demands out of sync'
            lines += ofmap
            mac_used = row_used * col_used
            map_eff.append(mac_used / (R * C))
            comp_util.append(mac_used * T / (R * C * util_cycles))
    total_cycles = lines - 1   # index of the last ofmap demand line, no stalls
    num_compute = px * nf * window
    overall = (num_compute * 100) / (total_cycles * R * C)
    mapping = sum(map_eff) / len(map_eff) * 100
    compute = sum(comp_util) / len(comp_util) * 100
    return total_cycles, 0, overall, mapping, compute


def main():
    cfg_path, topo_path = sys.argv[1], sys.argv[2]
    kind = sys.argv[3] if len(sys.argv) > 3 else None
    cp = configparser.ConfigParser()
    cp.read(cfg_path)
    a = 'architecture_presets'
    R, C = int(cp.get(a, 'ArrayHeight')), int(cp.get(a, 'ArrayWidth'))
    df = cp.get(a, 'Dataflow')
    rows = []
    with open(topo_path) as f:
        first = True
        for row in f:
            row = row.strip()
            if first:
                first = False
                continue
            if row == '':
                continue
            elems = [e.strip() for e in row.split(',')[:-1]]   # SCALE-Sim drops the last field
            k = kind or ('gemm' if len(elems) == 4 else 'conv')
            if k == 'gemm':
                m, n, kk = int(elems[1]), int(elems[2]), int(elems[3])
                rows.append([m, kk, 1, kk, 1, n, 1, 1])
            else:
                v = [int(e) for e in elems[1:]]
                if len(v) == 7:
                    v.append(v[6])
                if 'DP' in elems[0]:
                    for _ in range(v[4]):
                        rows.append(v[:4] + [1] + v[5:])
                else:
                    rows.append(v)
    print('LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,')
    for lid, v in enumerate(rows):
        items = layer_report(df, R, C, *v)
        print(str(lid) + ', ' + ', '.join(str(x) for x in items) + ',')


if __name__ == '__main__':
    main()
