/**
 * The short codes people type in chat for a draft (K7Q2) or an inquiry (Q7K2): four letters and digits
 * that cannot be mistaken for one another (no 0/O, 1/I/L), drawn at random; the record's unique index
 * among open ones decides a clash, and the caller draws again.
 */
import { randomInt } from 'node:crypto';

export const shortCodeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const shortCodeLength = 4;
export const shortCodePattern = new RegExp(`^[${shortCodeAlphabet}]{${shortCodeLength}}$`);

/** A short code as people type it ("#k7q2", "K7Q2") in the stored form ("K7Q2"). */
export function normalizeShortCode(text: string): string {
  return text.trim().replace(/^#/, '').toUpperCase();
}

export function drawShortCode(): string {
  return Array.from({ length: shortCodeLength }, () => shortCodeAlphabet[randomInt(shortCodeAlphabet.length)]).join('');
}
