#include "simorch/mpi/study_broadcast.hpp"

#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "simorch/error.hpp"
#include "simorch/mpi/collective_failure.hpp"

namespace simorch::mpi {
namespace {
std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string(), "open study", std::strerror(errno), /*is_bad_input=*/true);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path.string(), "read study", std::strerror(errno), true);
  return text.str();
}
}  // namespace

namespace {

struct StudyText {
  std::string text;
  std::string base_dir;
};

// Rank 0 reads the file; every rank receives its text and folder.
StudyText broadcast_text(const std::filesystem::path& path) {
  boost::mpi::communicator world;
  StudyText study;
  run_collectively([&] {
    if (world.rank() != 0) return;
    if (std::filesystem::is_directory(path)) {
      throw IoError(path.string(), "open study", "is a directory, not a YAML file", true);
    }
    study.text = read_text(path);
    // Absolute: every rank resolves relative paths (initial-state files) alike.
    study.base_dir = std::filesystem::absolute(path).parent_path().string();
  });
  // The one-time broadcast of the study: serialization is fine here (design.md).
  boost::mpi::broadcast(world, study.text, 0);
  boost::mpi::broadcast(world, study.base_dir, 0);
  return study;
}

}  // namespace

Study broadcast_study(const std::filesystem::path& path) {
  const StudyText source = broadcast_text(path);
  std::optional<Study> study;
  run_collectively([&] { study.emplace(parse_study(source.text, source.base_dir)); });
  return std::move(*study);
}

StudyPlan broadcast_plan(const std::filesystem::path& path) {
  const StudyText source = broadcast_text(path);
  std::optional<StudyPlan> plan;
  run_collectively([&] { plan.emplace(StudyPlan::parse(source.text, source.base_dir)); });
  return std::move(*plan);
}

}  // namespace simorch::mpi
