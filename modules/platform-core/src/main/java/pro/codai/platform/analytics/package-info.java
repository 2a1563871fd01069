/** What the appliance records of its use, for the console's live figures and analytics. */
package pro.codai.platform.analytics;
