/** The append-only audit log: who did what, to what, when. */
package pro.codai.platform.audit;
