/** The {@code rms} command line. */
package ca.metered.realtime.cli;
