/**
 * Plan quotas: the daily Try Now time of each person and what their plan allows; hourly run budgets
 * of API keys and of people calling the run API with a token.
 */
package pro.codai.platform.quota;
