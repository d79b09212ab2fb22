// The dip-smc-pso project's own config.yaml must load unchanged (design.md, "Study file").
// It belongs to that project, so it is read from ../shared/reference/, never copied here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "simorch/model/dip_model.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"

namespace simorch {
namespace {

const std::filesystem::path reference_config =
    std::filesystem::path(SIMORCH_SOURCE_DIR) / "../shared/reference/dip-smc-pso-config.yaml";

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class ReferenceConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(reference_config)) {
      GTEST_SKIP() << "the dip-smc-pso reference config is not at " << reference_config
                   << " (it belongs to that project and is not shipped with simorch)";
    }
  }
};

TEST_F(ReferenceConfig, loads_as_is_with_classical_smc) {
  const Study study = load_study(reference_config);
  EXPECT_EQ(study.controller.kind, ControllerKind::classical_smc);
  const std::vector<double> gains = {23.068200752497802, 12.853586891155206, 5.514970338688094,
                                     3.487196490326416,  2.2331074770549435, 0.14834799545581934};
  EXPECT_EQ(study.controller.gains, gains);
  EXPECT_EQ(study.controller.max_force, 150.0);
  EXPECT_EQ(study.controller.boundary_layer, 0.3);
  // use_full_dynamics: false selects the seed's simplified model.
  EXPECT_EQ(study.sim.model, ModelKind::simplified);
  EXPECT_EQ(study.sim.dt, 0.01);
  EXPECT_EQ(study.sim.duration, 10.0);
  EXPECT_EQ(study.sim.num_steps(), 1000);
  State nominal;
  nominal << 0.0, 0.05, -0.03, 0.0, 0.0, 0.0;
  EXPECT_EQ(study.initial_state.nominal, nominal);
  EXPECT_EQ(study.monte_carlo.seed, 42u) << "global_seed seeds a study without monte_carlo.seed";
  EXPECT_EQ(study.num_tasks(), 1u);
  EXPECT_EQ(study.nominal.pendulum1_inertia, 0.0081);
  EXPECT_EQ(study.uncertainty.fraction[0], 0.05);
  EXPECT_EQ(study.uncertainty.fraction[9], 0.0);   // gravity
  EXPECT_EQ(study.uncertainty.fraction[10], 0.1);  // cart_friction
}

TEST_F(ReferenceConfig, reports_ignored_seed_settings_in_one_warning) {
  const Study study = load_study(reference_config);
  ASSERT_EQ(study.warnings.size(), 1u);
  const std::string& warning = study.warnings[0];
  for (const char* expected :
       {"pso", "fault_detection", "hil", "sensors", "verification", "streamlit",
        "physics.singularity_cond_threshold", "physics.include_coriolis_effects",
        "physics_uncertainty.n_evals", "controllers.classical_smc.dt"}) {
    EXPECT_NE(warning.find(expected), std::string::npos) << expected << " not in: " << warning;
  }
  EXPECT_EQ(warning.find('\n'), std::string::npos);
}

TEST_F(ReferenceConfig, other_controllers_load_with_an_added_monte_carlo_section) {
  const std::string text = read_text(reference_config);
  const Study sta = parse_study(text + "\nmonte_carlo:\n  controller: sta_smc\n  samples: 50\n",
                                reference_config.parent_path());
  EXPECT_EQ(sta.controller.kind, ControllerKind::sta_smc);
  EXPECT_EQ(sta.controller.gains, (std::vector<double>{8.0, 4.0, 12.0, 6.0, 4.85, 3.43}));
  EXPECT_EQ(sta.num_tasks(), 50u);
  const Study adaptive = parse_study(text + "\nmonte_carlo:\n  controller: adaptive_smc\n",
                                     reference_config.parent_path());
  EXPECT_EQ(adaptive.controller.kind, ControllerKind::adaptive_smc);
  EXPECT_EQ(adaptive.controller.k_max, 100.0);
  EXPECT_EQ(adaptive.controller.boundary_layer, 0.4);
}

TEST_F(ReferenceConfig, every_sampled_parameter_set_is_a_valid_plant) {
  const std::string text = read_text(reference_config);
  const Study study =
      parse_study(text + "\nmonte_carlo:\n  samples: 10000\n", reference_config.parent_path());
  for (std::uint64_t id = 0; id < study.num_tasks(); ++id) {
    const TaskSpec task = make_task(study, id);
    ASSERT_NO_THROW(validate(task.params, "task")) << "task " << id;
    ASSERT_NO_THROW(DipModel(study.sim.model, task.params)) << "task " << id;
  }
}

}  // namespace
}  // namespace simorch
