package dev.berth.runtime.kubernetes;

/**
 * One API call as an RBAC rule sees it, for error messages: a 403 names the verb and resource the Role lacks.
 *
 * @param verb the RBAC verb, e.g. {@code patch}
 * @param resource the resource, e.g. {@code deployments}
 * @param what what Berth was doing, e.g. {@code stopping bot 'b1'}
 */
record KubeOp(String verb, String resource, String what) {
  static KubeOp of(String verb, String resource, String what) {
    return new KubeOp(verb, resource, what);
  }
}
