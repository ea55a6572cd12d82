// Streaming-tiles design space on Epiphany (Rezk et al., Figure 10): AlexNet and GoogLeNet conv
// stacks with 1..32-bit weights on 1024-core chips of 32 KB and 64 KB cores. Writes
// cnn_epiphany.csv and cnn_epiphany.svg (frames/s versus cores) into argv[1] (default ".").
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "ember/cost/epiphany_fits.hpp"
#include "ember/cost/nets/alexnet.hpp"
#include "ember/cost/nets/googlenet.hpp"

using namespace ember;
namespace nets = cost::nets;

// The example, checked at compile time.
static_assert(cost::fits<nets::alexnet_conv<4>, hw::epiphany<1024, 32>>,
              "4-bit AlexNet conv stack should map onto 1024 cores of 32 KB");

namespace {

struct point {
  unsigned bits;
  std::size_t cores;
  double fps;
  bool fits;
};

struct reference {
  point p;
  std::string label;
  double dy;          // label offset below (+) or above (-) the marker
  bool right = false;  // label on the right of the marker
};

struct series {
  std::string label, color;
  std::vector<point> points;
};

/// Log-log plot of frames/s against cores, one polyline per series, no dependencies.
class svg_plot {
 public:
  svg_plot(double x0, double x1, double y0, double y1) : x0_(x0), x1_(x1), y0_(y0), y1_(y1) {}

  std::string render(const std::vector<series>& ss, const std::vector<reference>& refs) const {
    std::string s;
    s += "<svg xmlns='http://www.w3.org/2000/svg' width='" + num(w_) + "' height='" + num(h_) +
         "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n";
    s += text(w_ / 2, 22, "Streaming tiles on Epiphany: frames/s versus cores (1024-core chip)", "middle", 15);
    axes(s);
    const double cap = x(1024);
    s += "<line x1='" + num(cap) + "' y1='" + num(top_) + "' x2='" + num(cap) + "' y2='" +
         num(h_ - bottom_) + "' stroke='gray' stroke-dasharray='6,4'/>\n";
    s += text(cap + 4, top_ + 14, "1024 cores", "start", 11);
    double ly = top_ + 10;
    for (const auto& se : ss) {
      std::string pts;
      for (const auto& p : se.points) pts += num(x(double(p.cores))) + "," + num(y(p.fps)) + " ";
      s += "<polyline fill='none' stroke='" + se.color + "' stroke-width='1.5' points='" + pts + "'/>\n";
      for (const auto& p : se.points) {
        const bool pow2 = (p.bits & (p.bits - 1)) == 0;
        s += "<circle cx='" + num(x(double(p.cores))) + "' cy='" + num(y(p.fps)) + "' r='" +
             (pow2 ? "4" : "2") + "' fill='" + (p.fits ? se.color : std::string("white")) +
             "' stroke='" + se.color + "'/>\n";
        if (pow2)
          s += text(x(double(p.cores)) + 5, y(p.fps) - 5, std::to_string(p.bits) + "b", "start", 10);
      }
      s += "<line x1='" + num(w_ - right_ + 15) + "' y1='" + num(ly) + "' x2='" + num(w_ - right_ + 35) +
           "' y2='" + num(ly) + "' stroke='" + se.color + "' stroke-width='2'/>\n";
      s += text(w_ - right_ + 40, ly + 4, se.label, "start", 12);
      ly += 18;
    }
    for (const auto& [p, label, dy, right] : refs) {
      const double cx = x(double(p.cores)), cy = y(p.fps);
      s += "<path d='M" + num(cx - 5) + "," + num(cy - 5) + " L" + num(cx + 5) + "," + num(cy + 5) +
           " M" + num(cx - 5) + "," + num(cy + 5) + " L" + num(cx + 5) + "," + num(cy - 5) +
           "' stroke='black' stroke-width='2'/>\n";
      s += text(right ? cx + 8 : cx - 8, cy + dy, label, right ? "start" : "end", 10);
    }
    s += text(w_ - right_ + 15, ly + 10, "x  paper, Table II", "start", 12);
    s += text(w_ - right_ + 15, ly + 28, "open: > 1024 cores", "start", 12);
    return s + "</svg>\n";
  }

 private:
  static std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    return b;
  }
  static std::string text(double x, double y, const std::string& t, const char* anchor, int size) {
    return "<text x='" + num(x) + "' y='" + num(y) + "' text-anchor='" + anchor + "' font-size='" +
           std::to_string(size) + "'>" + t + "</text>\n";
  }
  double x(double v) const {
    const double f = (std::log(v) - std::log(x0_)) / (std::log(x1_) - std::log(x0_));
    return left_ + f * (w_ - left_ - right_);
  }
  double y(double v) const {
    const double f = (std::log(v) - std::log(y0_)) / (std::log(y1_) - std::log(y0_));
    return h_ - bottom_ - f * (h_ - top_ - bottom_);
  }
  void axes(std::string& s) const {
    s += "<rect x='" + num(left_) + "' y='" + num(top_) + "' width='" + num(w_ - left_ - right_) +
         "' height='" + num(h_ - top_ - bottom_) + "' fill='none' stroke='black'/>\n";
    for (double c = x0_; c <= x1_ * 1.001; c *= 2) {
      s += "<line x1='" + num(x(c)) + "' y1='" + num(top_) + "' x2='" + num(x(c)) + "' y2='" +
           num(h_ - bottom_) + "' stroke='#ddd'/>\n";
      s += text(x(c), h_ - bottom_ + 16, std::to_string(static_cast<long>(c)), "middle", 11);
    }
    for (double d = 1; d <= y1_ * 1.001; d *= 10)
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = d * m;
        if (v < y0_ || v > y1_) continue;
        s += "<line x1='" + num(left_) + "' y1='" + num(y(v)) + "' x2='" + num(w_ - right_) +
             "' y2='" + num(y(v)) + "' stroke='#ddd'/>\n";
        s += text(left_ - 6, y(v) + 4, std::to_string(static_cast<long>(v)), "end", 11);
      }
    s += text((left_ + w_ - right_) / 2, h_ - 12, "cores", "middle", 13);
    s += "<text x='18' y='" + num((top_ + h_ - bottom_) / 2) + "' transform='rotate(-90 18 " +
         num((top_ + h_ - bottom_) / 2) + ")' text-anchor='middle' font-size='13'>frames/s</text>\n";
  }

  double x0_, x1_, y0_, y1_;
  double w_ = 960, h_ = 620, left_ = 70, right_ = 200, top_ = 40, bottom_ = 50;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  std::ofstream csv(dir + "/cnn_epiphany.csv");
  if (!csv) {
    std::cerr << "cnn_epiphany: cannot write " << dir << "/cnn_epiphany.csv\n";
    return 1;
  }
  csv << cost::epiphany_report<1>::summary_csv_header() << '\n';

  std::vector<series> all;
  const char* colors[] = {"#1f77b4", "#6baed6", "#d62728", "#fc9272"};
  int ci = 0;
  for (const char* net : {"alexnet", "googlenet"})
    for (std::size_t kib : {32u, 64u}) {
      series se{std::string(net == std::string("alexnet") ? "AlexNet" : "GoogLeNet") + ", " +
                    std::to_string(kib) + " KB cores",
                colors[ci++], {}};
      const auto hw = hw::make_epiphany_params(1024, kib);
      for (unsigned b = 1; b <= 32; ++b) {
        auto add = [&](const auto& r) {
          csv << r.summary_csv_row(net) << '\n';
          se.points.push_back({b, r.cores, r.fps, r.fits});
        };
        if (net == std::string("alexnet"))
          add(cost::map_streaming_tiles(nets::alexnet_conv_workload(b), hw));
        else
          add(cost::map_streaming_tiles(nets::googlenet_conv_workload(b), hw));
      }
      all.push_back(std::move(se));
    }

  // Streaming Tiles Table II (the paper gives frames/s; cores are placed at our estimate).
  auto at = [&](int s, unsigned b) { return all[s].points[b - 1]; };
  std::vector<reference> refs = {
      {{4, at(0, 4).cores, 58.0, true}, "paper: AlexNet 4b/32KB", -6},
      {{16, at(1, 16).cores, 103.0, true}, "paper: AlexNet 16b/64KB", -6},
      {{8, at(3, 8).cores, 44.5, true}, "paper: GoogLeNet 8b/64KB", 14},
      {{4, at(2, 4).cores, 58.4, true}, "paper: GoogLeNet 4b/32KB", 16, true},
  };
  std::ofstream(dir + "/cnn_epiphany.svg") << svg_plot(64, 8192, 1, 1000).render(all, refs);

  std::printf("%-26s %6s %8s %8s %6s\n", "Table II point", "cores", "fps", "paper", "ratio");
  for (const auto& ref : refs) {
    const auto& [p, label, dy, right] = ref;
    const int s = label.find("AlexNet") != std::string::npos ? (label.find("64KB") != std::string::npos ? 1 : 0)
                                                 : (label.find("64KB") != std::string::npos ? 3 : 2);
    const auto e = at(s, p.bits);
    std::printf("%-26s %6zu %8.1f %8.1f %6.2f\n", label.c_str(), e.cores, e.fps, p.fps, e.fps / p.fps);
  }
  std::printf("wrote %s/cnn_epiphany.csv and %s/cnn_epiphany.svg\n", dir.c_str(), dir.c_str());
  return 0;
}
