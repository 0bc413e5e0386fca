/** The rms server. */
package ca.metered.realtime.server;
