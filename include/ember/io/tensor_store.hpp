// tensor_store: named float tensors owned in memory (what the JSON and blob readers
// produce), with a named_tensor table viewing them for load_tensors().
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/io/tensor_table.hpp"

namespace ember::io {

/// Owns names and data; table() views them. Movable, not copyable (the views point inside).
class tensor_store {
 public:
  tensor_store() = default;
  tensor_store(const tensor_store&) = delete;
  tensor_store& operator=(const tensor_store&) = delete;
  tensor_store(tensor_store&&) noexcept = default;
  tensor_store& operator=(tensor_store&&) noexcept = default;

  void add(std::string name, std::array<std::size_t, 4> shape, std::size_t rank, std::vector<float> data) {
    auto e = std::make_unique<entry>(entry{std::move(name), std::move(data), {}});
    e->view = {e->name, shape, rank, e->data.data()};
    table_.push_back(e->view);
    entries_.push_back(std::move(e));
  }
  std::span<const named_tensor> table() const noexcept { return table_; }
  std::size_t size() const noexcept { return table_.size(); }

 private:
  struct entry {
    std::string name;
    std::vector<float> data;
    named_tensor view;
  };
  std::vector<std::unique_ptr<entry>> entries_;  // stable addresses for the views
  std::vector<named_tensor> table_;
};

}  // namespace ember::io
