/** The release-certificate reference envelopes of REGULATORY.md §6 (our convention, CONV). */
export const ACR_SEED = /^(?=.{5,64}$)(FAA|EASA)-[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
export const ACR_FAA = /^(?=.{5,64}$)FAA-([A-Z0-9]{4,10})-([A-Z0-9]+(?:-[A-Z0-9]+)*)$/;
export const ACR_EASA =
  /^(?=.{5,64}$)EASA-(EASA|[A-Z]{2})-(145|21G|CAO|MF)-([A-Z0-9]{1,8})-([A-Z0-9]+(?:-[A-Z0-9]+)*)$/;
