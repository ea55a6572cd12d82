// The ModelFlex design space (Rezk et al., Figure 2): an LSTM 32 -> 1024 on a 32x32 BitFusion
// array (4 MB SRAM, 200 MHz) over bits X x circulant block Y x delta density Z, estimated at
// compile time, then the same configurations run on this CPU with ember's kernels when the
// layers are in the build. Writes into argv[1] (default "."):
//   modelflex_dse.csv         the 36 points: X, Y, Z, cycles, latency, energy split, bandwidth, pass
//   modelflex_dse_alone.csv   the same sweep with each optimisation alone
//   modelflex_dse.svg         energy versus latency, the limits' box, passing points filled
//   modelflex_measured.csv    measured time per step and error versus fp32 (layers needed)
// argv[2] steps per measured sequence (default 32), argv[3] timed runs (default 3).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "ember/cost/modelflex.hpp"
#include "ember/cost/sweep_report.hpp"
#include "modelflex_measure.hpp"  // the measured side (needs the layers; a stub without them)

using namespace ember;
namespace mf = cost::modelflex;

// The whole sweep is a compile-time value; the ranking must follow the mechanisms.
constexpr auto space = mf::sweep();
static_assert(space.rank_violations() == 0,
              "ModelFlex: fewer bits, larger circulant blocks and sparser deltas must never cost more");

// The same space with one optimisation at a time (the others at their baseline).
constexpr auto quant_alone = cost::sweep<mf::lstm_family<>, mf::hardware>(
    mf::seq_len, mf::limits, mf::bits, cost::values<std::size_t{1}>{"block"}, cost::density_axis({1.0}));
constexpr auto circulant_alone = cost::sweep<mf::lstm_family<>, mf::hardware>(
    mf::seq_len, mf::limits, cost::values<16u>{"bits"}, mf::block, cost::density_axis({1.0}));
constexpr auto delta_alone = cost::sweep<mf::lstm_family<>, mf::hardware>(
    mf::seq_len, mf::limits, cost::values<16u>{"bits"}, cost::values<std::size_t{1}>{"block"}, mf::density);
static_assert(quant_alone.passing() == space.passing_alone(0) && circulant_alone.passing() == space.passing_alone(1) &&
              delta_alone.passing() == space.passing_alone(2));

namespace {

std::string fmt(double v, const char* f = "%.1f") {
  char b[32];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

/// Energy versus latency on log axes, the limits' box, one marker per point: colour by
/// bits, shape by block, filled when the point passes, a cross when it does not fit.
std::string scatter() {
  const double w = 900, h = 620, l = 80, r = 190, t = 50, b = 60;
  const double x0 = 0.05, x1 = 5, y0 = 1, y1 = 5000;  // ms, uJ
  auto X = [&](double ms) { return l + (std::log(ms) - std::log(x0)) / (std::log(x1) - std::log(x0)) * (w - l - r); };
  auto Y = [&](double uj) { return h - b - (std::log(uj) - std::log(y0)) / (std::log(y1) - std::log(y0)) * (h - t - b); };
  auto text = [](double x, double y, const std::string& s, const char* anchor = "start", int size = 12) {
    return "<text x='" + fmt(x) + "' y='" + fmt(y) + "' text-anchor='" + anchor + "' font-size='" +
           std::to_string(size) + "'>" + s + "</text>\n";
  };
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + fmt(w) + "' height='" + fmt(h) +
                  "' font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n";
  s += text(w / 2, 24, "ModelFlex: LSTM 32-1024 on a 32x32 BitFusion array, 4 MB, 200 MHz (one step)", "middle", 15);
  s += "<rect x='" + fmt(X(x0)) + "' y='" + fmt(Y(50)) + "' width='" + fmt(X(0.5) - X(x0)) + "' height='" +
       fmt(Y(y0) - Y(50)) + "' fill='#e8f5e9' stroke='#2e7d32' stroke-dasharray='6,3'/>\n";
  s += text(X(0.5) - 6, Y(y0) - 8, "limits: latency &lt;= 0.5 ms, energy &lt;= 50 uJ", "end", 11);
  for (double v : {0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0}) {
    s += "<line x1='" + fmt(X(v)) + "' y1='" + fmt(t) + "' x2='" + fmt(X(v)) + "' y2='" + fmt(h - b) + "' stroke='#ddd'/>\n";
    s += text(X(v), h - b + 16, fmt(v, "%g"), "middle", 11);
  }
  for (double v : {1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0}) {
    s += "<line x1='" + fmt(l) + "' y1='" + fmt(Y(v)) + "' x2='" + fmt(w - r) + "' y2='" + fmt(Y(v)) + "' stroke='#ddd'/>\n";
    s += text(l - 6, Y(v) + 4, fmt(v, "%g"), "end", 11);
  }
  s += "<rect x='" + fmt(l) + "' y='" + fmt(t) + "' width='" + fmt(w - l - r) + "' height='" + fmt(h - t - b) +
       "' fill='none' stroke='black'/>\n";
  s += text((l + w - r) / 2, h - 16, "latency per step (ms)", "middle", 13);
  s += "<text x='20' y='" + fmt((t + h - b) / 2) + "' transform='rotate(-90 20 " + fmt((t + h - b) / 2) +
       ")' text-anchor='middle' font-size='13'>energy per step (uJ)</text>\n";
  const char* colour[] = {"#d62728", "#ff7f0e", "#1f77b4", "#2ca02c"};  // 16, 8, 4, 2 bits
  auto marker = [&](double cx, double cy, std::size_t shape, const char* c, bool fill) {
    const std::string f = std::string("fill='") + (fill ? c : "white") + "' stroke='" + c + "' stroke-width='1.5'";
    if (shape == 0) return "<circle cx='" + fmt(cx) + "' cy='" + fmt(cy) + "' r='5' " + f + "/>\n";
    if (shape == 1)
      return "<rect x='" + fmt(cx - 4.5) + "' y='" + fmt(cy - 4.5) + "' width='9' height='9' " + f + "/>\n";
    return "<path d='M" + fmt(cx) + "," + fmt(cy - 6) + " L" + fmt(cx + 6) + "," + fmt(cy) + " L" + fmt(cx) + "," +
           fmt(cy + 6) + " L" + fmt(cx - 6) + "," + fmt(cy) + " Z' " + f + "/>\n";
  };
  for (const auto& p : space.points) {
    const double cx = X(p.cost.latency_s * 1e3), cy = Y(std::min(p.cost.energy_j * 1e6, y1));
    // the density spreads points of equal latency and energy a little, so none hides another
    const double dx = (double(p.index[2]) - 1) * 3;
    s += marker(cx + dx, cy, p.index[1], colour[p.index[0]], p.pass);
    if (!p.cost.fits)
      s += "<path d='M" + fmt(cx + dx - 3) + "," + fmt(cy - 3) + " L" + fmt(cx + dx + 3) + "," + fmt(cy + 3) + " M" +
           fmt(cx + dx - 3) + "," + fmt(cy + 3) + " L" + fmt(cx + dx + 3) + "," + fmt(cy - 3) + "' stroke='black'/>\n";
    if (p.pareto)
      s += "<circle cx='" + fmt(cx + dx) + "' cy='" + fmt(cy) + "' r='10' fill='none' stroke='black'/>\n";
  }
  double ly = t + 14;
  const double lx = w - r + 14;
  const char* bits[] = {"16 bits", "8 bits", "4 bits", "2 bits"};
  for (int i = 0; i < 4; ++i, ly += 18) s += marker(lx + 6, ly - 4, 0, colour[i], true) + text(lx + 18, ly, bits[i]);
  const char* blocks[] = {"block 1 (dense)", "block 2", "block 4"};
  for (std::size_t i = 0; i < 3; ++i, ly += 18) s += marker(lx + 6, ly - 4, i, "#555", false) + text(lx + 18, ly, blocks[i]);
  s += text(lx, ly + 4, "filled: passes") + text(lx, ly + 22, "x: does not fit 4 MB") +
       text(lx, ly + 40, "ring: Pareto front") + text(lx, ly + 58, "density 1 / 0.6 / 0.2:") +
       text(lx, ly + 74, "left / middle / right");
  s += text(lx, ly + 110, "passing: " + std::to_string(space.passing()) + " of 36", "start", 12);
  s += text(lx, ly + 128, "paper: " + std::to_string(mf::paper_passing) + " of 36", "start", 12);
  s += text(lx, ly + 146, "quantization alone:", "start", 12);
  s += text(lx, ly + 164, std::to_string(space.passing_alone(0)) + " of 4 (paper: " +
                              std::to_string(mf::paper_quant_only_passing) + " of 4)", "start", 12);
  return s + "</svg>\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  std::ofstream csv(dir + "/modelflex_dse.csv");
  if (!csv) {
    std::cerr << "modelflex_dse: cannot write " << dir << "/modelflex_dse.csv\n";
    return 1;
  }
  csv << cost::csv(space);
  std::ofstream alone(dir + "/modelflex_dse_alone.csv");
  alone << "optimisation," << cost::csv_header(space) << '\n';
  for (const auto& [name, csv_text] : {std::pair{"quantization", cost::csv(quant_alone)},
                                       std::pair{"circulant", cost::csv(circulant_alone)},
                                       std::pair{"delta", cost::csv(delta_alone)}}) {
    std::size_t line = 0;
    for (std::size_t at = 0, nl; (nl = csv_text.find('\n', at)) != std::string::npos; at = nl + 1, ++line)
      if (line > 0) alone << name << ',' << csv_text.substr(at, nl - at) << '\n';
  }
  std::ofstream(dir + "/modelflex_dse.svg") << scatter();

  std::cout << space;
  std::printf("passing: %zu of 36 (Rezk et al.: %zu); quantization alone: %zu of 4 (Rezk et al.: %zu); "
              "circulant alone: %zu of 3; delta alone: %zu of 3\n",
              space.passing(), mf::paper_passing, quant_alone.passing(), mf::paper_quant_only_passing,
              circulant_alone.passing(), delta_alone.passing());
  std::printf("wrote %s/modelflex_dse.csv, modelflex_dse_alone.csv and modelflex_dse.svg\n", dir.c_str());

  const std::size_t steps = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 32;
  const std::size_t runs = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 3;
  return modelflex_measure::run(dir, steps, runs, space);
}
