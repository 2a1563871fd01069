/** Accounts: the local profile of each person, roles and plans. Credentials live in Keycloak. */
package pro.codai.platform.account;
