package org.towerlab.tracking.local;

/**
 * One logged metric value: TowerLab's name ({@code valid/recall@20}), value, step (epoch or global
 * step) and wall-clock time in epoch milliseconds.
 */
public record MetricPoint(String key, double value, long step, long timestamp) {}
