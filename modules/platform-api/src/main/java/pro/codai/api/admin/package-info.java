/** Administration endpoints, for the appliance's administrator. */
package pro.codai.api.admin;
