package org.towerlab.api.testkit;

import org.towerlab.api.model.Interaction;
import org.towerlab.api.model.Model;
import org.towerlab.api.model.Tower;

/** A two-tower model from any towers and interaction (the baseline {@code two-tower} without the registry). */
public record KitModel(Tower queryTower, Tower itemTower, Interaction interaction) implements Model {}
