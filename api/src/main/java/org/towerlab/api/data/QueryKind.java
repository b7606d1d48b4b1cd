package org.towerlab.api.data;

/**
 * What a query is. Most data sets query with users; related-item retrieval (as in Meta's
 * related-video work) queries with items, and then the query side's features are item features.
 */
public enum QueryKind {
  USER,
  ITEM
}
