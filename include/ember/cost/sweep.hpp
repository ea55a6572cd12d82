// cost::sweep: design-space exploration over the cartesian product of policy values (template
// arguments of a model family, or run-time workload knobs), with limits and the Pareto front.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ember/cost/estimate.hpp"
#include "ember/cost/sweep_point.hpp"

namespace ember::cost {

/// An axis of compile-time values; each value becomes a template argument of the swept
/// model. List values from the baseline (least compressed) to the most compressed:
/// `values<16u, 8u, 4u, 2u>{"bits"}`.
template <auto... Vs>
struct values {
  static_assert(sizeof...(Vs) > 0, "cost::values<...>: a sweep axis needs at least one value");
  static constexpr std::size_t size = sizeof...(Vs);
  template <std::size_t I>
  static constexpr auto at = std::get<I>(std::tuple{Vs...});
  static constexpr std::array<double, size> numbers{double(Vs)...};
  const char* name = "";
};

/// Leaves a layer's workload as it is (an axis that only labels its points).
constexpr void keep_workload(layer_workload&, double) noexcept {}

/// Sets the delta density (fraction of non-zero delta columns) of every GEMM of a layer.
constexpr void set_density(layer_workload& w, double z) noexcept {
  for (std::size_t i = 0; i < w.n_gemms && i < w.gemms.size(); ++i) w.gemms[i].density = z;
}

/// An axis of run-time values applied to every point's workload, layer by layer
/// (`apply(layer, value)`, never null), e.g. the delta density a run assumes or measures.
template <std::size_t N>
struct workload_axis {
  static_assert(N > 0, "cost::workload_axis<N>: a sweep axis needs at least one value");
  static constexpr std::size_t size = N;
  const char* name = "";
  std::array<double, N> numbers{};
  void (*apply)(layer_workload&, double) noexcept = &keep_workload;
};

/// `density_axis({1.0, 0.6, 0.2})`: delta density z of every GEMM, swept.
template <std::size_t N>
constexpr workload_axis<N> density_axis(const double (&z)[N], const char* name = "density") noexcept {
  workload_axis<N> a{name, {}, &set_density};
  for (std::size_t i = 0; i < N; ++i) a.numbers[i] = z[i];
  return a;
}

namespace detail {
template <class T>
struct is_values : std::false_type {};
template <auto... Vs>
struct is_values<values<Vs...>> : std::true_type {};
template <class T>
struct is_workload_axis : std::false_type {};
template <std::size_t N>
struct is_workload_axis<workload_axis<N>> : std::true_type {};

template <std::size_t N>
constexpr std::array<layer_workload, N> as_model_workload(const std::array<layer_workload, N>& w) noexcept {
  return w;
}
constexpr std::array<layer_workload, 1> as_model_workload(const layer_workload& w) noexcept { return {w}; }

/// Mixed-radix digits of `flat`, the last axis fastest (row-major).
template <std::size_t A>
constexpr std::array<std::size_t, A> unflatten(std::size_t flat, const std::array<std::size_t, A>& sizes) noexcept {
  std::array<std::size_t, A> idx{};
  for (std::size_t a = A; a-- > 0;) {
    idx[a] = flat % sizes[a];
    flat /= sizes[a];
  }
  return idx;
}

// Family::model is usually an alias template with a fixed parameter list, and a pack may
// not be expanded into those (CWG 1430): one specialization per arity names them one by one.
template <class Family, auto... V>
struct family_model {
  static_assert(sizeof...(V) <= 6, "cost::sweep: at most 6 compile-time axes (cost::values<...>)");
};
template <class F>
struct family_model<F> { using type = typename F::template model<>; };
template <class F, auto A>
struct family_model<F, A> { using type = typename F::template model<A>; };
template <class F, auto A, auto B>
struct family_model<F, A, B> { using type = typename F::template model<A, B>; };
template <class F, auto A, auto B, auto C>
struct family_model<F, A, B, C> { using type = typename F::template model<A, B, C>; };
template <class F, auto A, auto B, auto C, auto D>
struct family_model<F, A, B, C, D> { using type = typename F::template model<A, B, C, D>; };
template <class F, auto A, auto B, auto C, auto D, auto E>
struct family_model<F, A, B, C, D, E> { using type = typename F::template model<A, B, C, D, E>; };
template <class F, auto A, auto B, auto C, auto D, auto E, auto G>
struct family_model<F, A, B, C, D, E, G> { using type = typename F::template model<A, B, C, D, E, G>; };

/// The model of `Family` at static point `Flat` of the compile-time axes `Vs...`.
template <class Family, std::size_t Flat, class... Vs>
struct model_at {
  static constexpr auto idx = unflatten<sizeof...(Vs)>(Flat, {Vs::size...});
  template <std::size_t... I>
  static auto pick(std::index_sequence<I...>) -> family_model<Family, Vs::template at<idx[I]>...>;
  using type = typename decltype(pick(std::index_sequence_for<Vs...>{}))::type;
};

/// Estimates one point: workload `w` on `hw`, checked against `lim`.
template <energy_table E, std::size_t A, std::size_t L>
constexpr void evaluate(sweep_point<A>& p, const std::array<layer_workload, L>& w, const hw::systolic_config& hw,
                        const constraints& lim) noexcept {
  p.cost = summarize(detail::estimate_systolic<E>(w, hw));
  p.meets = check(p.cost, lim);
  p.pass = p.meets.pass();
}

template <class Family, class HW, class Static, class Dynamic>
struct sweep_plan;
template <class Family, class HW, class... Vs, class... Ws>
struct sweep_plan<Family, HW, std::tuple<Vs...>, std::tuple<Ws...>> {
  static constexpr std::size_t axes = sizeof...(Vs) + sizeof...(Ws);
  static constexpr std::size_t static_points = (std::size_t{1} * ... * Vs::size);
  static constexpr std::size_t dynamic_points = (std::size_t{1} * ... * Ws::size);
  static constexpr std::size_t points = static_points * dynamic_points;
  using result = sweep_result<axes, std::array<sweep_point<axes>, points>>;

  template <std::size_t S>
  static constexpr void run_static(result& r, std::size_t seq_len, const std::tuple<const Ws&...>& dyn) noexcept {
    using model = typename model_at<Family, S, Vs...>::type;
    static_assert(has_workload<model>,
                  "cost::sweep<Family, HW>: Family::model<values...> must have a static workload(seq_len)");
    const auto base = as_model_workload(model::workload(seq_len));
    constexpr auto sidx = model_at<Family, S, Vs...>::idx;
    std::array<double, sizeof...(Vs)> svals{};
    {
      std::size_t a = 0;
      ((svals[a] = Vs::numbers[sidx[a]], ++a), ...);
      (void)a;
    }
    for (std::size_t d = 0; d < dynamic_points; ++d) {
      const auto didx = unflatten<sizeof...(Ws)>(d, {Ws::size...});
      sweep_point<axes>& p = r.points[S * dynamic_points + d];
      for (std::size_t a = 0; a < sizeof...(Vs); ++a) {
        p.index[a] = sidx[a];
        p.value[a] = svals[a];
      }
      auto w = base;
      std::apply(
          [&](const auto&... ax) {
            std::size_t a = sizeof...(Vs);
            (([&] {
               const double v = ax.numbers[didx[a - sizeof...(Vs)]];
               p.index[a] = didx[a - sizeof...(Vs)];
               p.value[a] = v;
               // called, never compared: GCC's UBSan cannot compare function addresses
               // in a constant expression
               for (auto& layer : w) ax.apply(layer, v);
               ++a;
             }()),
             ...);
            (void)a;
          },
          dyn);
      evaluate<typename HW::energy_table>(p, w, HW::config, r.limits);
    }
  }
};
}  // namespace detail

/// Every point of the product of `axes` (row-major, the last axis fastest): the model
/// `Family::model<v0, v1, ...>` of the compile-time axes' values (cost::values<...>, given
/// first), its workload(seq_len) edited by the run-time axes (cost::workload_axis, e.g.
/// density_axis), estimated on HW and checked against `limits`; the Pareto front marked.
/// constexpr: `constexpr auto s = cost::sweep<F, HW>(1, lim, values<8u, 4u>{"bits"}, ...);`
/// Family is a type with `template <...> using model = ...;` (examples/modelflex_dse.cpp).
template <class Family, hw::systolic_model HW, class... Axes>
constexpr auto sweep(std::size_t seq_len, const constraints& limits, const Axes&... axes) noexcept {
  static_assert(((detail::is_values<Axes>::value || detail::is_workload_axis<Axes>::value) && ...),
                "cost::sweep: every axis must be a cost::values<...> or a cost::workload_axis<N>");
  constexpr std::size_t n_static = (std::size_t{0} + ... + std::size_t(detail::is_values<Axes>::value));
  constexpr bool static_first = [] {
    bool seen_dynamic = false, ok = true;
    ((seen_dynamic = seen_dynamic || detail::is_workload_axis<Axes>::value,
      ok = ok && !(seen_dynamic && detail::is_values<Axes>::value)),
     ...);
    return ok;
  }();
  static_assert(static_first,
                "cost::sweep: give the compile-time axes (cost::values<...>) before the run-time ones "
                "(cost::workload_axis)");
  const auto all = std::tie(axes...);
  return [&]<std::size_t... S, std::size_t... D>(std::index_sequence<S...>, std::index_sequence<D...>) {
    using plan = detail::sweep_plan<Family, HW, std::tuple<std::tuple_element_t<S, std::tuple<Axes...>>...>,
                                    std::tuple<std::tuple_element_t<n_static + D, std::tuple<Axes...>>...>>;
    typename plan::result r{};
    r.limits = limits;
    r.axis_names = {axes.name...};
    r.axis_sizes = {Axes::size...};
    const std::tuple<const std::tuple_element_t<n_static + D, std::tuple<Axes...>>&...> dyn{
        std::get<n_static + D>(all)...};
    [&]<std::size_t... P>(std::index_sequence<P...>) {
      (plan::template run_static<P>(r, seq_len, dyn), ...);
    }(std::make_index_sequence<plan::static_points>{});
    mark_pareto(std::span<sweep_point<plan::axes>>(r.points));
    return r;
  }(std::make_index_sequence<n_static>{}, std::make_index_sequence<sizeof...(Axes) - n_static>{});
}

/// The same sweep with value lists known only at run time (a command line): `out` holds
/// one point per element of the product of `axes` (row-major); `workload_of(coords)` returns
/// the workload (a layer_workload or std::array of them) of the point with those values.
/// constexpr when `out` is a std::array.
template <energy_table E = horowitz_45nm, std::size_t A, class WorkloadOf>
constexpr void sweep_into(std::span<sweep_point<A>> out, const std::array<std::span<const double>, A>& axes,
                          WorkloadOf&& workload_of, const hw::systolic_config& hw, const constraints& limits) noexcept {
  std::array<std::size_t, A> sizes{};
  std::size_t n = 1;
  for (std::size_t a = 0; a < A; ++a) {
    sizes[a] = axes[a].size();
    n *= sizes[a];
  }
  for (std::size_t i = 0; i < n && i < out.size(); ++i) {
    sweep_point<A>& p = out[i];
    p.index = detail::unflatten<A>(i, sizes);
    for (std::size_t a = 0; a < A; ++a) p.value[a] = axes[a][p.index[a]];
    detail::evaluate<E>(p, detail::as_model_workload(workload_of(p.value)), hw, limits);
  }
  mark_pareto(out.first(n < out.size() ? n : out.size()));
}

/// sweep_into for value lists read at run time, into a std::vector (not constexpr).
template <energy_table E = horowitz_45nm, std::size_t A, class WorkloadOf>
sweep_result<A, std::vector<sweep_point<A>>> sweep_grid(const std::array<const char*, A>& names,
                                                        const std::array<std::vector<double>, A>& axes,
                                                        WorkloadOf&& workload_of, const hw::systolic_config& hw,
                                                        const constraints& limits) {
  sweep_result<A, std::vector<sweep_point<A>>> r{};
  r.axis_names = names;
  r.limits = limits;
  std::array<std::span<const double>, A> spans{};
  std::size_t n = 1;
  for (std::size_t a = 0; a < A; ++a) {
    spans[a] = axes[a];
    r.axis_sizes[a] = axes[a].size();
    n *= axes[a].size();
  }
  r.points.resize(n);
  sweep_into<E, A>(std::span<sweep_point<A>>(r.points), spans, workload_of, hw, limits);
  return r;
}

}  // namespace ember::cost
