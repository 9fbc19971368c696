/** An account as inquiries need it: its name, its unit, who keeps it and who leads it (from the registry). */
export interface InquiryAccount {
  id: string;
  name: string;
  unitId: string;
  backendAdminId: string;
  leaderInChargeId: string;
}
