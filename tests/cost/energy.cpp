// The default energy table against tests/data/cost/energy_45nm.csv (Horowitz ISSCC 2014)
// and the stated rules for widths and sizes the paper does not list.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ember/cost/energy.hpp"

using namespace ember::cost;
using E = horowitz_45nm;

TEST_CASE("energy: every row of energy_45nm.csv is reproduced by horowitz_45nm") {
  std::ifstream in(std::string(EMBER_TEST_DATA_DIR) + "/cost/energy_45nm.csv");
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string op, bits_s, e_s;
    std::getline(ss, op, ',');
    std::getline(ss, bits_s, ',');
    std::getline(ss, e_s, ',');
    const unsigned bits = unsigned(std::stoul(bits_s));
    INFO(line);
    ++rows;
    if (op == "int_add") CHECK(E::int_add_pj(bits) == doctest::Approx(std::stod(e_s)));
    else if (op == "int_mult") CHECK(E::int_mult_pj(bits) == doctest::Approx(std::stod(e_s)));
    else if (op == "fp_add") CHECK(E::fp_add_pj(bits) == doctest::Approx(std::stod(e_s)));
    else if (op == "fp_mult") CHECK(E::fp_mult_pj(bits) == doctest::Approx(std::stod(e_s)));
    else if (op == "sram_read_64b_8KB") CHECK(E::sram_read_64b_pj(8 * 1024) == doctest::Approx(std::stod(e_s)));
    else if (op == "sram_read_64b_32KB") CHECK(E::sram_read_64b_pj(32 * 1024) == doctest::Approx(std::stod(e_s)));
    else if (op == "sram_read_64b_1MB") CHECK(E::sram_read_64b_pj(1024 * 1024) == doctest::Approx(std::stod(e_s)));
    else if (op == "dram_read_64b") {
      // listed as a range "1300-2600": the table uses its midpoint
      const auto dash = e_s.find('-');
      const double lo = std::stod(e_s.substr(0, dash)), hi = std::stod(e_s.substr(dash + 1));
      CHECK(E::dram_read_64b_pj() == doctest::Approx((lo + hi) / 2));
    } else {
      FAIL("unknown operation in energy_45nm.csv: " << op);
    }
  }
  CHECK(rows == 13);
}

TEST_CASE("energy: unlisted widths scale from the nearest listed one (mult bits^2, add bits)") {
  CHECK(E::int_mult_pj(4) == doctest::Approx(0.2 / 4));
  CHECK(E::int_mult_pj(2) == doctest::Approx(0.2 / 16));
  CHECK(E::int_mult_pj(16) == doctest::Approx(0.8));   // nearest listed is 8 (distance 8 < 16)
  CHECK(E::int_add_pj(4) == doctest::Approx(0.015));
  CHECK(E::fp_mult_pj(8) == doctest::Approx(1.1 / 4));
  CHECK(mac_pj<E>(8, 8) == doctest::Approx(0.2 + 0.1));
  CHECK(mac_pj<E>(32, 32) == doctest::Approx(3.7 + 0.9));
  CHECK(mac_pj<E>(4, 8) == doctest::Approx(0.2 + 0.1));  // the wider operand sets the multiplier
  // SRAM: sqrt(size) from the nearest listed size.
  CHECK(E::sram_read_64b_pj(4 * 1024 * 1024) == doctest::Approx(200.0));
  CHECK(E::sram_read_64b_pj(2 * 1024) == doctest::Approx(5.0));
  static_assert(E::int_mult_pj(8) == 0.2);
  static_assert(energy_table<E>);
}
