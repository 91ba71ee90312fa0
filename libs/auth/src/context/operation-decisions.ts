/** A guard's decision, as it was made: the answer (a promise while it waits), or the error it threw. */
type Decision = { readonly answer: boolean | Promise<boolean> } | { readonly refusal: unknown };

/**
 * The decisions a guard made for one GraphQL operation, kept so that every field and alias of it gets the same one
 * without deciding again: a query of 6,000 aliases of a guarded field is verified (or refused) once, not 6,000 times,
 * and refusing it costs about what refusing one field does. Keyed by the operation's context object (Apollo and
 * graphql-ws build one per operation; over graphql-ws never by the connection, whose token may expire or be revoked
 * between operations), held weakly, so entries go with the operation. Bound: per operation, one entry per distinct
 * demand met, at most the schema's guarded fields.
 *
 * @example
 * ```ts
 * return decisions.decide(context.getArgByIndex(2), route.demand, () => this.activate(context, route.demand));
 * ```
 */
export class OperationDecisions {
  private readonly byOperation = new WeakMap<object, Map<object, Decision>>();

  /** The decision already made for `operation` and `demand`, or `decide()`'s, made now and kept. */
  decide(operation: unknown, demand: object, decide: () => boolean | Promise<boolean>): boolean | Promise<boolean> {
    if (typeof operation !== 'object' || operation === null) return decide();
    let decisions = this.byOperation.get(operation);
    if (decisions === undefined) this.byOperation.set(operation, (decisions = new Map()));
    let decision = decisions.get(demand);
    if (decision === undefined) {
      try {
        decision = { answer: decide() };
      } catch (error) {
        decision = { refusal: error };
      }
      decisions.set(demand, decision);
    }
    // The same refusal again: graphql-js wraps it per field, and nothing is built or reported twice.

    if ('refusal' in decision) throw decision.refusal;
    return decision.answer;
  }
}
