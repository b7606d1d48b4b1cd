package org.towerlab.api.train;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.towerlab.api.data.Split;
import org.towerlab.api.eval.Evaluator;
import org.towerlab.api.loss.Loss;
import org.towerlab.api.model.Model;
import org.towerlab.api.nn.Params;
import org.towerlab.api.random.Seeds;
import org.towerlab.api.sampling.Sampler;
import org.towerlab.api.tracking.Tracker;

/**
 * What a training strategy works with. The runner builds it from the experiment config.
 *
 * @param model the model to train (a cascade's stage under study)
 * @param sampler the negative sampler
 * @param loss the loss
 * @param split the data split
 * @param evaluators evaluators for validation (early stopping)
 * @param seeds the run's seed source
 * @param tracker where metric histories go
 * @param runDir the run's directory (checkpoints live under {@code runDir/checkpoints})
 * @param resume whether to continue from the last checkpoint in {@code runDir}
 * @param params the initialized parameters of the model (and of parametric losses)
 * @param manager the run's manager: parameters live on it; open sub-managers for everything else
 * @param services component building and stage trackers
 */
public record TrainContext(Model model, Sampler sampler, Loss loss, Split split,
    List<Evaluator> evaluators, Seeds seeds, Tracker tracker, Path runDir, boolean resume,
    Params params, NDManager manager, RunServices services) {

  public TrainContext {
    services = services == null ? RunServices.none() : services;
  }

  /** A context without run services (a lone plain strategy in tests). */
  public TrainContext(Model model, Sampler sampler, Loss loss, Split split, List<Evaluator> evaluators, Seeds seeds,
      Tracker tracker, Path runDir, boolean resume, Params params, NDManager manager) {
    this(model, sampler, loss, split, evaluators, seeds, tracker, runDir, resume, params, manager, null);
  }
}
