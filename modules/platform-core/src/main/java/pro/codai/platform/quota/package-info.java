/** Plan quotas: the daily Try Now time of each person and what their plan allows. */
package pro.codai.platform.quota;
